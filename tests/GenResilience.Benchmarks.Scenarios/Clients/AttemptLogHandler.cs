namespace GenResilience.Benchmarks.Clients;

/// <summary>The innermost handler of a benchmark client: writes each attempt to an <see cref="AttemptLog"/>.</summary>
/// <param name="log">Where the attempts go.</param>
public sealed class AttemptLogHandler(AttemptLog log) : DelegatingHandler
{
    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? key = request.Headers.Authorization?.Parameter;
        long sentAt = TimeProvider.System.GetTimestamp();
        int status = 0;
        try
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            return response;
        }
        finally
        {
            log.Add(new Attempt(sentAt, TimeProvider.System.GetTimestamp(), key, status));
        }
    }
}
