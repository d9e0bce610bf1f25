using GenResilience.Diagnostics.Internal;
using GenResilience.Resilience.Internal;

namespace GenResilience.Keys.Internal;

/// <summary>
/// The innermost handler: stamps the key chosen for this attempt, and only on requests to the client's own host,
/// so a CDN download through the same client never carries a key.
/// </summary>
internal sealed class ApiKeyHandler : DelegatingHandler
{
    internal static readonly HttpRequestOptionsKey<ApiKeyLease> LeaseKey = new("GenResilience.ApiKeyLease");

    private readonly GenerationClientContext _client;

    public ApiKeyHandler(GenerationClientContext client)
    {
        _client = client;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Stamp(request);
        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Stamp(request);
        return base.Send(request, cancellationToken);
    }

    /// <summary>Same scheme, host and port, compared without allocating.</summary>
    private static bool SameOrigin(Uri target, Uri home)
        => target.Port == home.Port
            && string.Equals(target.Scheme, home.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(target.IdnHost, home.IdnHost, StringComparison.OrdinalIgnoreCase);

    private void Stamp(HttpRequestMessage request)
    {
        if (!request.Options.TryGetValue(LeaseKey, out ApiKeyLease? lease) || lease.Key.Value is not { } key)
        {
            return;
        }

        // The message is re-sent on retries: drop the previous attempt's key first.
        request.Headers.Remove(lease.HeaderName);

        Uri? home = _client.BaseAddress;
        if (home is null)
        {
            throw new InvalidOperationException(
                $"{_client.Provider}: API keys are configured but the HttpClient has no BaseAddress. Keys are sent only to the " +
                "BaseAddress host, so set HttpClient.BaseAddress when registering the client (AddHttpClient(..., c => c.BaseAddress = ...)).");
        }

        Uri? target = request.RequestUri;
        if (target is null || !target.IsAbsoluteUri || !SameOrigin(target, home))
        {
            Log.KeyNotSentToForeignHost(_client.Logger, _client.Provider, target?.IsAbsoluteUri == true ? target.Host : "(relative)");
            return;
        }

        request.Headers.TryAddWithoutValidation(lease.HeaderName, lease.Slot.HeaderValue(lease.Scheme));
        lease.KeySent = true;
    }
}
