using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GenResilience.Diagnostics.Internal;
using GenResilience.Resilience.Internal;

namespace GenResilience.Providers.Internal;

/// <summary>
/// What every provider client does with one call through its resilient <see cref="HttpClient"/>: send it, turn
/// every failure that is not the caller's own cancellation into a <see cref="GenerationException"/>, and read the
/// JSON answer with the provider's source-generated context.
/// </summary>
internal static class ProviderCalls
{
    /// <summary>How long a probe may take: long enough for a slow origin, short enough for a status page.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Sends <paramref name="request"/> and returns its successful response; the caller disposes it.</summary>
    /// <exception cref="GenerationException">Any failure: a final error status, no answer, a timeout.</exception>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, string provider, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await SendRawAsync(client, request, provider, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await GenerationException.FromResponseAsync(response, provider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends <paramref name="request"/> and reads its JSON answer.</summary>
    /// <exception cref="GenerationException">Any failure, including an answer that is not the expected JSON.</exception>
    public static async Task<T> SendForJsonAsync<T>(HttpClient client, HttpRequestMessage request, JsonTypeInfo<T> type, string provider, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(client, request, provider, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, type, provider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a successful response's JSON body.</summary>
    /// <exception cref="GenerationException">The body is empty, truncated or not the expected JSON (kind <see cref="GenerationErrorKind.Unknown"/>).</exception>
    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, string provider, CancellationToken cancellationToken)
    {
        RequestState? state = response.RequestMessage?.Options.TryGetValue(RequestState.Key, out RequestState? s) == true ? s : null;
        try
        {
            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            T? value = await JsonSerializer.DeserializeAsync(body, type, cancellationToken).ConfigureAwait(false);
            return value ?? throw new JsonException("The body is JSON null.");
        }
        catch (JsonException e)
        {
            throw new GenerationException(
                GenerationErrorKind.Unknown,
                provider,
                string.Create(CultureInfo.InvariantCulture, $"{Target(provider, state)} answered {(int)response.StatusCode} with a body that is not the expected JSON ({e.Message}). ")
                + "The service may have changed its API, or a proxy answered in its place.",
                e)
            {
                Operation = state?.Operation,
                StatusCode = (int)response.StatusCode,
                Attempts = state?.Attempts ?? 1,

                // The service accepted a create whose answer cannot be read: the job is running, its id unknown.
                MayHaveStartedWork = state is { StartsWork: true } || state?.MayHaveStartedWork == true,
            };
        }
    }

    /// <summary>Sends a probe (one attempt, no retries) and says what its answer means.</summary>
    public static async Task<ProviderProbeRow> ProbeAsync(HttpClient client, HttpRequestMessage request, string endpoint, TimeProvider time, CancellationToken cancellationToken, string? apiKey = null)
    {
        request.SetProbe(apiKey);
        request.SetTotalTimeout(ProbeTimeout);
        long started = time.GetTimestamp();
        try
        {
            using HttpResponseMessage response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            string? detail = response.IsSuccessStatusCode ? null : Shorten((await GenerationException.FromResponseAsync(response, cancellationToken: cancellationToken).ConfigureAwait(false)).Message);
            return new ProviderProbeRow(endpoint, status, time.GetElapsedTime(started), ProviderProbeRow.VerdictFor(status), detail);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is GenerationException or HttpRequestException or OperationCanceledException)
        {
            int? status = (e as GenerationException)?.StatusCode;
            ProbeVerdict verdict = e is GenerationException { Kind: GenerationErrorKind.Unauthorized } ? ProbeVerdict.AuthProblem : ProviderProbeRow.VerdictFor(status);
            return new ProviderProbeRow(endpoint, status, time.GetElapsedTime(started), verdict, Shorten(e.Message));
        }
    }

    private static async Task<HttpResponseMessage> SendRawAsync(HttpClient client, HttpRequestMessage request, string provider, CancellationToken cancellationToken)
    {
        try
        {
            return await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (GenerationException)
        {
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            RequestState? state = request.Options.TryGetValue(RequestState.Key, out RequestState? s) ? s : null;
            int attempts = state?.Attempts is > 0 ? state.Attempts : 1;
            bool timedOut = e is OperationCanceledException;
            string what = timedOut ? "timed out" : "got no answer (" + e.Message + ")";
            string notRetried = state?.NotRetriedAsAmbiguous == true
                ? $" It was not retried: the request may have reached the service, and {state.Method} requests are not repeated after such a failure ({string.Format(CultureInfo.InvariantCulture, state.Client.SettingFormat, nameof(GenerationResilienceOptions.RetryNonIdempotentAfterAmbiguousFailure))})."
                : string.Empty;
            throw new GenerationException(
                timedOut ? GenerationErrorKind.Timeout : GenerationErrorKind.ServiceUnavailable,
                provider,
                string.Create(CultureInfo.InvariantCulture, $"{Target(provider, state)} {what} after {attempts} {(attempts == 1 ? "attempt" : "attempts")}.") + notRetried,
                e)
            {
                Operation = state?.Operation,
                Attempts = attempts,
                MayHaveStartedWork = state?.MayHaveStartedWork == true,
            };
        }
    }

    private static string Target(string provider, RequestState? state)
        => state?.Operation is { Length: > 0 } operation ? provider + " " + operation : provider;

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..297] + "...";
}
