using GenResilience.Benchmarks.Clients;
using GenResilience.Benchmarks.Server;

namespace GenResilience.Benchmarks.RateLimit;

/// <summary>
/// Rate-limit makespan: each client sends the same load to a provider that admits each key at a fixed rate with a
/// small burst and answers the rest with 429 and <c>Retry-After</c>. The provider forgets everything between clients,
/// and each client starts fresh, so every client meets the same plan with no head start.
/// </summary>
public static class RateLimitScenario
{
    /// <summary>The keys of the scenario; the provider knows nothing about them but their names.</summary>
    public static readonly IReadOnlyList<string> Keys = ["bench-key-aaaa-1111", "bench-key-bbbb-2222"];

    /// <summary>Gets the clients compared, in the order they run: ours adaptive and with the known rate, the standard handler, the hand-written loop.</summary>
    /// <param name="settings">The scenario, for the known rate.</param>
    /// <returns>The clients.</returns>
    public static IReadOnlyList<RateLimitClient> Clients(RateLimitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string[] one = [Keys[0]];
        string[] two = [.. Keys];
        double rate = settings.ProviderRequestsPerSecondPerKey;
        return
        [
            new("GenResilience, 1 key, adaptive (defaults)", one, RateLimitTarget.Adaptive, uri => GenResilienceBenchmarkClient.Create(uri, one)),
            new("GenResilience, 2 keys, adaptive (defaults)", two, RateLimitTarget.Adaptive, uri => GenResilienceBenchmarkClient.Create(uri, two)),
            new($"GenResilience, 1 key, RequestsPerSecondPerKey = {rate}", one, RateLimitTarget.KnownRate, uri => GenResilienceBenchmarkClient.Create(uri, one, o => o.RequestsPerSecondPerKey = rate)),
            new($"GenResilience, 2 keys, RequestsPerSecondPerKey = {rate}", two, RateLimitTarget.KnownRate, uri => GenResilienceBenchmarkClient.Create(uri, two, o => o.RequestsPerSecondPerKey = rate)),
            new("AddStandardResilienceHandler(), 1 key (defaults)", one, RateLimitTarget.None, uri => StandardResilienceBenchmarkClient.Create(uri, one[0])),
            new("hand-written loop, 1 key", one, RateLimitTarget.None, uri => HandWrittenLoopClient.Create(uri, one)),
            new("hand-written loop, 2 keys (`keys[attempt % 2]`)", two, RateLimitTarget.None, uri => HandWrittenLoopClient.Create(uri, two)),
        ];
    }

    /// <summary>Runs every client of <see cref="Clients"/> in turn against <paramref name="provider"/>.</summary>
    /// <param name="provider">The provider; its rules are replaced.</param>
    /// <param name="settings">The load and the plan.</param>
    /// <param name="progress">Told when each client starts and ends, if given.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>One result per client, in order.</returns>
    public static async Task<IReadOnlyList<RateLimitResult>> RunAsync(
        LoopbackProvider provider, RateLimitSettings settings, TextWriter? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(settings);
        IReadOnlyList<RateLimitClient> clients = Clients(settings);
        await WarmUpAsync(provider, clients, cancellationToken).ConfigureAwait(false);

        var results = new List<RateLimitResult>();
        foreach (RateLimitClient client in clients)
        {
            results.Add(await RunAsync(provider, settings, client, progress, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>Runs one client against <paramref name="provider"/>, with a fresh plan.</summary>
    /// <param name="provider">The provider; its rules are replaced.</param>
    /// <param name="settings">The load and the plan.</param>
    /// <param name="client">The client to run.</param>
    /// <param name="progress">Told when the client starts and ends, if given.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The result.</returns>
    public static async Task<RateLimitResult> RunAsync(
        LoopbackProvider provider, RateLimitSettings settings, RateLimitClient client, TextWriter? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(client);

        using BenchmarkClient http = client.Create(provider.BaseAddress);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(settings.ClientTimeLimit);

        progress?.WriteLine($"rate-limit: {client.Name}: {settings.Requests} requests, {settings.Callers} callers ...");
        provider.Reset(ProviderRules.RateLimited(settings.ProviderRequestsPerSecondPerKey, settings.ProviderBucketCapacity, settings.RetryAfterSeconds));
        LoadResult load = await CallerLoad.RunAsync(http, settings.Requests, settings.Callers, limit.Token).ConfigureAwait(false);
        var result = new RateLimitResult(client, settings.IdealMakespan(client.Keys.Count), load, provider.Requests, http.Attempts.All);
        progress?.WriteLine($"rate-limit: {client.Name}: {load.Makespan.TotalSeconds:0.00} s, {result.RateLimited} 429s, {load.Failed} failed");
        return result;
    }

    /// <summary>Every kind of client sends a few requests to an open provider first, so no client pays for the JIT.</summary>
    private static async Task WarmUpAsync(LoopbackProvider provider, IReadOnlyList<RateLimitClient> clients, CancellationToken cancellationToken)
    {
        provider.Reset(ProviderRules.Open);
        foreach (RateLimitClient client in clients)
        {
            using BenchmarkClient http = client.Create(provider.BaseAddress);
            _ = await CallerLoad.RunAsync(http, requests: 16, callers: 4, cancellationToken).ConfigureAwait(false);
        }
    }
}
