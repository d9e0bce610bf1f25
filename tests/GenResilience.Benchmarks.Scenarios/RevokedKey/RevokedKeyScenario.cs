using GenResilience.Benchmarks.Clients;
using GenResilience.Benchmarks.Server;

namespace GenResilience.Benchmarks.RevokedKey;

/// <summary>
/// Revoked key: the pool is [A, B] and the provider answers A with 401 on every path and B with 200, with no rate
/// limit. What does finding out cost, in requests to the provider beyond one per success?
/// </summary>
public static class RevokedKeyScenario
{
    /// <summary>The key the provider has revoked; first in the pool.</summary>
    public const string RevokedKey = "bench-key-revoked-aaaa";

    /// <summary>The healthy key.</summary>
    public const string HealthyKey = "bench-key-healthy-bbbb";

    private static readonly string[] Keys = [RevokedKey, HealthyKey];

    /// <summary>Gets the clients compared: ours without and with a key check, and the hand-written loop.</summary>
    public static IReadOnlyList<RevokedKeyClient> Clients { get; } =
    [
        new("GenResilience, no KeyCheck", RevokedKeyClientKind.GenResilience, uri => GenResilienceBenchmarkClient.Create(uri, Keys)),
        new("GenResilience, KeyCheck = GET /v2/account", RevokedKeyClientKind.GenResilienceWithKeyCheck, uri => GenResilienceBenchmarkClient.Create(uri, Keys, o =>
            o.KeyCheck = () => new HttpRequestMessage(HttpMethod.Get, LoopbackProvider.AccountPath))),
        new("hand-written loop (`keys[attempt % 2]`, 401 retried at once)", RevokedKeyClientKind.HandWrittenLoop, uri => HandWrittenLoopClient.Create(uri, Keys, rotateOnUnauthorized: true)),
    ];

    /// <summary>Runs every client with every caller count against <paramref name="provider"/>.</summary>
    /// <param name="provider">The provider; its rules are replaced.</param>
    /// <param name="settings">The load.</param>
    /// <param name="progress">Told when each run ends, if given.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>One result per client and caller count.</returns>
    public static async Task<IReadOnlyList<RevokedKeyResult>> RunAsync(
        LoopbackProvider provider, RevokedKeySettings settings, TextWriter? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(settings);

        var results = new List<RevokedKeyResult>();
        foreach (int callers in settings.CallerCounts)
        {
            foreach (RevokedKeyClient client in Clients)
            {
                using BenchmarkClient http = client.Create(provider.BaseAddress);
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(settings.ClientTimeLimit);

                provider.Reset(ProviderRules.Revoking(RevokedKey));
                LoadResult load = await CallerLoad.RunAsync(http, settings.Requests, callers, limit.Token).ConfigureAwait(false);
                var result = new RevokedKeyResult(client, callers, load, provider.Requests, http.Attempts.All);
                progress?.WriteLine($"revoked-key: {client.Name}, {callers} callers: {result.Extra} extra, {result.WithRevokedKey} with the revoked key, {load.Failed} failed");
                results.Add(result);
            }
        }

        return results;
    }
}
