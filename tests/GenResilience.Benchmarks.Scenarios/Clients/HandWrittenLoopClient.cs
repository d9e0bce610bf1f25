using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Benchmarks.Clients;

/// <summary>
/// The retry loop users write before they reach for a library, on a plain factory <see cref="HttpClient"/>: the key
/// is <c>keys[attempt % n]</c>, a 429 or a 5xx is retried after a fixed 2, 4, then 6 s, three retries in all.
/// </summary>
/// <remarks>
/// With <c>rotateOnUnauthorized</c>, a 401 is also retried, at once, with the next key: the loop's best case for a
/// revoked key (sleeping 2 s on a key problem would only make it slower, not cheaper). Each request starts again
/// from <c>keys[0]</c>: the loop has no memory across requests.
/// </remarks>
public sealed class HandWrittenLoopClient : BenchmarkClient
{
    private static readonly TimeSpan[] Delays = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6)];

    private readonly string[] _keys;
    private readonly bool _rotateOnUnauthorized;

    private HandWrittenLoopClient(IServiceCollection services, AttemptLog attempts, string[] keys, bool rotateOnUnauthorized)
        : base(services, attempts)
    {
        _keys = keys;
        _rotateOnUnauthorized = rotateOnUnauthorized;
    }

    /// <summary>Creates the loop over <paramref name="keys"/> against the provider at <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">The provider's address.</param>
    /// <param name="keys">The keys, tried in order by attempt number.</param>
    /// <param name="rotateOnUnauthorized">Whether a 401 is retried at once with the next key.</param>
    /// <returns>The client.</returns>
    public static HandWrittenLoopClient Create(Uri baseAddress, IReadOnlyList<string> keys, bool rotateOnUnauthorized = false)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var services = new ServiceCollection();
        IHttpClientBuilder builder = services.AddHttpClient(HttpClientName, c => c.BaseAddress = baseAddress);
        return new HandWrittenLoopClient(services, LogAttempts(builder), [.. keys], rotateOnUnauthorized);
    }

    /// <inheritdoc/>
    public override async Task<bool> GenerateAsync(CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            using HttpRequestMessage request = NewGenerateRequest();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _keys[attempt % _keys.Length]);
            using HttpResponseMessage response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return true;
            }

            bool transient = status == (int)HttpStatusCode.TooManyRequests || status >= 500;
            bool rejected = _rotateOnUnauthorized && response.StatusCode == HttpStatusCode.Unauthorized;
            if (attempt == Delays.Length || !(transient || rejected))
            {
                return false;
            }

            if (transient)
            {
                await Task.Delay(Delays[attempt], TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
