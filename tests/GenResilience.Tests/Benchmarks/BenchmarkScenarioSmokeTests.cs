using System.Net;
using GenResilience.Benchmarks.Overhead;
using GenResilience.Benchmarks.RateLimit;
using GenResilience.Benchmarks.Reporting;
using GenResilience.Benchmarks.RevokedKey;
using GenResilience.Benchmarks.ScaleOut;
using GenResilience.Benchmarks.Server;
using GenResilience.Tests.Redis;

namespace GenResilience.Tests.Benchmarks;

/// <summary>
/// Each benchmark scenario run with a small load, so the benchmarks cannot rot between the runs that publish their
/// figures. These check the harness (every request answered, the client's and the provider's counts agree), never a
/// time: the provider's rate is far above what 8 callers can send, so no 429 is expected, and one would only slow a
/// run down, not fail it.
/// </summary>
public sealed class BenchmarkScenarioSmokeTests : IAsyncLifetime
{
    private const int Requests = 40;
    private const int Callers = 8;

    private LoopbackProvider? _provider;

    private LoopbackProvider Provider => _provider ?? throw new InvalidOperationException("The provider has not started.");

    public async Task InitializeAsync() => _provider = await LoopbackProvider.StartAsync();

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    [Fact]
    public async Task Overhead_EveryClient_IsAnsweredByItsOwnInMemoryHandler()
    {
        using var clients = new OverheadClients();
        await clients.VerifyAsync();

        foreach (OverheadClient client in Enum.GetValues<OverheadClient>())
        {
            using HttpClient http = clients.Create(client);
            for (int i = 0; i < 10; i++)
            {
                Assert.Equal(HttpStatusCode.OK, await OverheadClients.SendAsync(http).WaitAsync(Helpers.TaskExtensions.Safety));
            }

            Assert.Equal(11, clients.Served(client));
        }
    }

    [Fact]
    public async Task RateLimit_SmallLoad_EveryClientSucceedsAndTheCountsAgree()
    {
        var settings = new RateLimitSettings(Requests, Callers, ProviderRequestsPerSecondPerKey: 100_000, ProviderBucketCapacity: 10, RetryAfterSeconds: 1, ClientTimeLimit: TimeSpan.FromSeconds(30));

        IReadOnlyList<RateLimitResult> results = await RateLimitScenario.RunAsync(Provider, settings);

        Assert.Equal(RateLimitScenario.Clients(settings).Select(c => c.Name), results.Select(r => r.Client.Name));
        Assert.All(results, r =>
        {
            Assert.Equal(Requests, r.Load.Succeeded);
            Assert.Equal(0, r.Load.Failed);
            Assert.Empty(r.Load.Failures);
            Assert.Equal(r.ServerRequests, r.Attempts.Count);
            Assert.Equal(Requests + r.RateLimited, r.ServerRequests);
            Assert.Equal(r.RateLimited, r.Attempts.Count(a => a.Status == 429));
            Assert.InRange(r.FirstBurstRateLimited, 0, r.RateLimited);
            Assert.All(r.Served, s => Assert.Contains(s.Key, r.Client.Keys));
            Assert.Equal(Requests + r.RateLimited, r.PerSecond().Sum(s => s.Ok + s.RateLimited));
            Assert.True(r.Load.Makespan > TimeSpan.Zero);
        });

        string table = ResultTables.RateLimit(results);
        Assert.All(results, r => Assert.Contains(r.Client.Name, table, StringComparison.Ordinal));
        Assert.Equal(results.Count + 2, table.TrimEnd().Split('\n').Length);
    }

    [Fact]
    public async Task RevokedKey_SmallLoad_EveryRequestSucceedsWithTheHealthyKey()
    {
        var settings = new RevokedKeySettings(Requests, [1, Callers], TimeSpan.FromSeconds(30));

        IReadOnlyList<RevokedKeyResult> results = await RevokedKeyScenario.RunAsync(Provider, settings);

        Assert.Equal(RevokedKeyScenario.Clients.Count * 2, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(Requests, r.Load.Succeeded);
            Assert.Equal(0, r.Load.Failed);
            Assert.Equal(r.ServerRequests, r.Attempts.Count);
            Assert.Equal(r.ServerRequests - Requests, r.Extra);
            Assert.Equal(r.WithRevokedKey, r.Served.Count(s => s.Status == 401));
            Assert.Equal(Requests, r.Served.Count(s => s.Path == LoopbackProvider.GeneratePath && s.Key == RevokedKeyScenario.HealthyKey));
        });

        // What each client's design guarantees, whatever the timing: the loop starts every request with the revoked
        // key; the pool stops using it after its first rejection (at most one per caller in flight); a key check
        // finds it without any real request.
        Assert.All(results.Where(r => r.Client.Kind == RevokedKeyClientKind.HandWrittenLoop), r => Assert.Equal(Requests, r.WithRevokedKey));
        Assert.All(results.Where(r => r.Client.Kind != RevokedKeyClientKind.HandWrittenLoop), r => Assert.InRange(r.WithRevokedKey, 1, r.Callers));
        Assert.All(results.Where(r => r.Client.HasKeyCheck), r =>
            Assert.All(r.Served.Where(s => s.Key == RevokedKeyScenario.RevokedKey), s => Assert.Equal(LoopbackProvider.AccountPath, s.Path)));

        string table = ResultTables.RevokedKey(results);
        Assert.Equal(results.Count + 2, table.TrimEnd().Split('\n').Length);
    }

    [RedisFact]
    public async Task ScaleOut_SmallLoad_EveryFleetSucceedsAndTheCountsAgree()
    {
        var settings = new ScaleOutSettings(Instances: 4, Requests: Requests, CallersPerInstance: 2, ProviderRequestsPerSecondPerKey: 100_000,
            ProviderBucketCapacity: 10, RetryAfterSeconds: 1, RevokedKeyRequests: Requests, ClientTimeLimit: TimeSpan.FromSeconds(30));

        (IReadOnlyList<ScaleOutResult> rateLimit, IReadOnlyList<ScaleOutResult> revoked) = await ScaleOutScenario.RunAsync(Provider, settings, RedisServer.Shared);

        Assert.Equal(ScaleOutScenario.RateLimitVariants, rateLimit.Select(r => r.Variant));
        Assert.All(rateLimit, r =>
        {
            Assert.Equal(Requests, r.Succeeded);
            Assert.Equal(0, r.Failed);
            Assert.Equal(4, r.Loads.Count);
            Assert.Equal(Requests + r.RateLimited, r.Served.Count);
            Assert.All(r.Served, s => Assert.Contains(s.Key, ScaleOutScenario.Keys));
            Assert.True(r.Makespan > TimeSpan.Zero);
        });

        // What the designs guarantee, whatever the timing: the healthy key serves every request; a key check finds the
        // revoked key without a real request, once per instance at most (once for the fleet when Redis is up in time).
        Assert.Equal(ScaleOutScenario.RevokedKeyVariants, revoked.Select(r => r.Variant));
        Assert.All(revoked, r =>
        {
            Assert.Equal(Requests, r.Succeeded);
            Assert.Equal(0, r.Failed);
            Assert.InRange(r.WithRevokedKey, 1, 4 * settings.CallersPerInstance);
        });
        Assert.All(revoked.Where(r => r.Variant.KeyCheck), r =>
        {
            Assert.InRange(r.WithRevokedKey, 1, 4);
            Assert.All(r.Served.Where(s => s.Key == ScaleOutScenario.RevokedKey), s => Assert.Equal(LoopbackProvider.AccountPath, s.Path));
        });

        Assert.Equal(rateLimit.Count + 2, ResultTables.ScaleOutRateLimit(rateLimit).TrimEnd().Split('\n').Length);
        Assert.Equal(revoked.Count + 2, ResultTables.ScaleOutRevokedKey(revoked).TrimEnd().Split('\n').Length);
    }
}
