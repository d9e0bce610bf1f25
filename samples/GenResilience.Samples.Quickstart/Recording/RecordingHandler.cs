namespace GenResilience.Samples.Quickstart;

/// <summary>
/// Added last to each provider's <c>HttpClient</c>, so it sits inside GenResilience's pipeline, after the key is
/// stamped: it sees every attempt (retries, key checks, polls) with the key it carries, and keeps only the key's
/// fingerprint.
/// </summary>
internal sealed class RecordingHandler(CallRecorder recorder) : DelegatingHandler
{
    /// <summary>Keys shorter than this show no character at all, as in GenResilience's own logs.</summary>
    private const int MinLengthToShowChars = 12;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (recorder.Current is not { } log)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var sent = new RecordedRequest(request.Method.Method, request.RequestUri?.AbsolutePath ?? "/", Fingerprint(request), StatusCode: null);
        log.Sent(sent);
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
            return response;
        }
        finally
        {
            log.Answered(sent with { StatusCode = response is null ? null : (int)response.StatusCode });
        }
    }

    private static string? Fingerprint(HttpRequestMessage request)
    {
        string? key = request.Headers.Authorization?.Parameter;
        return key is null ? null : key.Length >= MinLengthToShowChars ? "…" + key[^4..] : "…";
    }
}
