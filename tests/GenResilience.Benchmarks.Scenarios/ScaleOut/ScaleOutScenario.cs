using GenResilience.Benchmarks.Clients;
using GenResilience.Benchmarks.Server;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Benchmarks.ScaleOut;

/// <summary>
/// Scale-out: a fleet of app instances (each its own service provider and key pool) sends one load to a provider that
/// admits each key at R requests per second, with each instance keeping its key state in memory or sharing it through
/// Redis. Then a revoked key: how many requests the fleet sends with it before every instance stops.
/// </summary>
public static class ScaleOutScenario
{
    /// <summary>The revoked key of the second part; first in the pool.</summary>
    public const string RevokedKey = "bench-key-revoked-cccc";

    /// <summary>The keys of the rate-limit part.</summary>
    public static readonly IReadOnlyList<string> Keys = ["bench-key-aaaa-1111", "bench-key-bbbb-2222"];

    private static readonly string[] RevokedKeys = [RevokedKey, "bench-key-healthy-dddd"];

    /// <summary>Gets the fleets of the rate-limit part: in memory and with Redis, with the known rate and adaptive.</summary>
    public static IReadOnlyList<ScaleOutVariant> RateLimitVariants { get; } =
    [
        new("in memory, RequestsPerSecondPerKey = R", Redis: false, KnownRate: true),
        new("Redis, RequestsPerSecondPerKey = R", Redis: true, KnownRate: true),
        new("in memory, adaptive (defaults)", Redis: false, KnownRate: false),
        new("Redis, adaptive (defaults)", Redis: true, KnownRate: false),
    ];

    /// <summary>Gets the fleets of the revoked-key part: in memory and with Redis, with and without a key check.</summary>
    public static IReadOnlyList<ScaleOutVariant> RevokedKeyVariants { get; } =
    [
        new("in memory, no KeyCheck", Redis: false, KnownRate: false),
        new("Redis, no KeyCheck", Redis: true, KnownRate: false),
        new("in memory, KeyCheck", Redis: false, KnownRate: false, KeyCheck: true),
        new("Redis, KeyCheck", Redis: true, KnownRate: false, KeyCheck: true),
    ];

    /// <summary>Runs every variant of both parts against <paramref name="provider"/>, sharing state through the Redis at <paramref name="redis"/>.</summary>
    /// <param name="provider">The provider; its rules are replaced.</param>
    /// <param name="settings">The fleet, the load and the plan.</param>
    /// <param name="redis">A StackExchange.Redis configuration string for the Redis variants.</param>
    /// <param name="progress">Told when each run ends, if given.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The rate-limit results, then the revoked-key results.</returns>
    public static async Task<(IReadOnlyList<ScaleOutResult> RateLimit, IReadOnlyList<ScaleOutResult> RevokedKey)> RunAsync(
        LoopbackProvider provider, ScaleOutSettings settings, string redis, TextWriter? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(settings);

        // Every kind of fleet sends a few requests to an open provider first, so no fleet pays for the JIT or the connections.
        provider.Reset(ProviderRules.Open);
        foreach (ScaleOutVariant variant in RateLimitVariants.Concat(RevokedKeyVariants))
        {
            _ = await RunFleetAsync(provider, settings, variant, Keys, 32, redis, settings.ClientTimeLimit, cancellationToken).ConfigureAwait(false);
        }

        var rateLimit = new List<ScaleOutResult>();
        foreach (ScaleOutVariant variant in RateLimitVariants)
        {
            provider.Reset(ProviderRules.RateLimited(settings.ProviderRequestsPerSecondPerKey, settings.ProviderBucketCapacity, settings.RetryAfterSeconds));
            IReadOnlyList<LoadResult> loads = await RunFleetAsync(provider, settings, variant, Keys, settings.Requests, redis, settings.ClientTimeLimit, cancellationToken).ConfigureAwait(false);
            var result = new ScaleOutResult(variant, settings.IdealMakespan(Keys.Count), loads, provider.Requests);
            progress?.WriteLine($"scale-out: {variant.Name}: {result.Makespan.TotalSeconds:0.00} s ({result.MakespanRatio:0.00}x), {result.RateLimited} 429s, {result.Failed} failed");
            rateLimit.Add(result);
        }

        var revoked = new List<ScaleOutResult>();
        foreach (ScaleOutVariant variant in RevokedKeyVariants)
        {
            provider.Reset(ProviderRules.Revoking(RevokedKey));
            IReadOnlyList<LoadResult> loads = await RunFleetAsync(provider, settings, variant, RevokedKeys, settings.RevokedKeyRequests, redis, settings.ClientTimeLimit, cancellationToken).ConfigureAwait(false);
            var result = new ScaleOutResult(variant, TimeSpan.Zero, loads, provider.Requests);
            progress?.WriteLine($"scale-out: revoked key, {variant.Name}: {result.WithRevokedKey} requests with the revoked key, {result.Failed} failed");
            revoked.Add(result);
        }

        return (rateLimit, revoked);
    }

    /// <summary>Waits until the instance's key state store answers (it connects in the background when the client is built).</summary>
    private static async Task ConnectedAsync(BenchmarkClient client, CancellationToken cancellationToken)
    {
        IGenerationKeyStateStore store = client.Services.GetRequiredKeyedService<IGenerationKeyStateStore>(BenchmarkClient.ClientName);
        for (int attempt = 0; attempt < 100; attempt++)
        {
            var query = new GenerationKeyStateQuery { Provider = "warm-up", KeyId = "connection", Now = TimeProvider.System.GetUtcNow(), Burst = 1 };
            if (await store.GetAsync(query, cancellationToken).ConfigureAwait(false) is not null)
            {
                return;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidOperationException("The instance could not reach Redis within 5 s.");
    }

    /// <summary>Builds a fresh fleet (a Redis prefix of its own) and runs the load on every instance at once.</summary>
    private static async Task<IReadOnlyList<LoadResult>> RunFleetAsync(
        LoopbackProvider provider, ScaleOutSettings settings, ScaleOutVariant variant, IReadOnlyList<string> keys, int requests, string redis, TimeSpan limit, CancellationToken cancellationToken)
    {
        string prefix = "bench-" + Guid.NewGuid().ToString("N")[..12];
        double rate = settings.ProviderRequestsPerSecondPerKey;
        var clients = new List<BenchmarkClient>();
        try
        {
            for (int i = 0; i < settings.Instances; i++)
            {
                clients.Add(GenResilienceBenchmarkClient.Create(
                    provider.BaseAddress,
                    keys,
                    o =>
                    {
                        if (variant.KnownRate)
                        {
                            o.RequestsPerSecondPerKey = rate;
                        }

                        if (variant.KeyCheck)
                        {
                            o.KeyCheck = () => new HttpRequestMessage(HttpMethod.Get, LoopbackProvider.AccountPath);
                        }
                    },
                    builder =>
                    {
                        if (variant.Redis)
                        {
                            builder.UseRedisKeyState(redis, o => o.KeyPrefix = prefix);
                        }
                    }));
            }

            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(limit);
            if (variant.Redis)
            {
                // Instances of a running app: their connection to Redis is up before the load starts.
                foreach (BenchmarkClient client in clients)
                {
                    await ConnectedAsync(client, bounded.Token).ConfigureAwait(false);
                }
            }

            int each = requests / settings.Instances;
            return await Task.WhenAll(clients.Select((c, i) => CallerLoad.RunAsync(c, i == 0 ? requests - (each * (settings.Instances - 1)) : each, settings.CallersPerInstance, bounded.Token))).ConfigureAwait(false);
        }
        finally
        {
            foreach (BenchmarkClient client in clients)
            {
                client.Dispose();
            }
        }
    }
}
