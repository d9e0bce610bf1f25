using System.Net;
using GenResilience.Benchmarks.Outage;
using GenResilience.Benchmarks.Overhead;
using GenResilience.Benchmarks.RateLimit;
using GenResilience.Benchmarks.Reporting;
using GenResilience.Benchmarks.RevokedKey;
using GenResilience.Benchmarks.ScaleOut;
using GenResilience.Benchmarks.Server;
using GenResilience.Benchmarks.Throughput;
using GenResilience.Benchmarks.Upload;
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

    [Fact]
    public async Task Throughput_ShortRounds_EveryClientIsAnsweredAndOursSendsBothKeys()
    {
        var settings = new ThroughputSettings([4], Rounds: 2, RoundDuration: TimeSpan.FromMilliseconds(50), WarmUp: TimeSpan.FromMilliseconds(20));
        await using MinimalEndpoint endpoint = await MinimalEndpoint.StartAsync(ThroughputClient.Keys);

        IReadOnlyList<ThroughputComparison> results = await ThroughputScenario.RunAsync(endpoint, settings);

        ThroughputComparison comparison = Assert.Single(results);
        Assert.Equal(4, comparison.Concurrency);
        Assert.Equal(ThroughputScenario.Clients, comparison.Series.Select(s => s.Kind));
        Assert.All(comparison.Series, s =>
        {
            Assert.Equal([1, 2], s.Rounds.Select(r => r.Round));
            Assert.All(s.Rounds, r => Assert.True(r.Completed > 0));
            Assert.Equal(0, s.Failed);
        });

        // Each round runs every client once, in a rotated order.
        Assert.Equal(["plain", "standard", "ours"], OrderOfRound(comparison, 0));
        Assert.Equal(["standard", "ours", "plain"], OrderOfRound(comparison, 1));

        // Every completed request reached the endpoint; only ours sends the second key.
        long completed = comparison.Series.Sum(s => s.Rounds.Sum(r => r.Completed));
        Assert.True(endpoint.Requests >= completed, $"{endpoint.Requests} requests served, {completed} completed");
        long[] perKey = endpoint.RequestsPerKey();
        Assert.True(perKey[1] > 0, "no request came with the second key");
        Assert.Equal(endpoint.Requests, perKey.Sum());

        Assert.Equal(3 + 2, ResultTables.Throughput(results).TrimEnd().Split('\n').Length);
        Assert.Equal(2 + 2, ResultTables.ThroughputRounds(results).TrimEnd().Split('\n').Length);

        static string[] OrderOfRound(ThroughputComparison c, int round)
            => [.. c.Series.OrderBy(s => s.Rounds[round].Position).Select(s => s.Kind switch
            {
                ThroughputClientKind.Plain => "plain",
                ThroughputClientKind.Standard => "standard",
                _ => "ours",
            })];
    }

    [Fact]
    public async Task Upload_SmallFileWithTwo503s_EveryAttemptOfEachClientCarriesTheWholeFile()
    {
        const long FileBytes = 1024 * 1024;
        var settings = new UploadSettings(FileBytes, FailuresBeforeSuccess: 2, RetryDelay: TimeSpan.Zero, SampleInterval: TimeSpan.FromMilliseconds(1));

        IReadOnlyList<UploadResult> results = await UploadScenario.RunAsync(settings);

        Assert.Equal(UploadScenario.Paths, results.Select(r => r.Path));
        Assert.All(results, r =>
        {
            Assert.True(r.Succeeded, r.Error);
            Assert.Equal([503, 503, 200], r.Served.Select(s => s.Status));
            Assert.All(r.Served, s => Assert.Equal(FileBytes, s.FileBytes));
            Assert.True(r.EveryAttemptWhole);
            Assert.True(r.Memory.Samples > 0);
        });

        // UseAPI's upload is the raw file; the multipart body also carries the prompt field and the part headers.
        Assert.All(results.Single(r => r.Path == UploadPath.UseApiUploadAsset).Served, s => Assert.Equal(FileBytes, s.BodyBytes));
        Assert.All(results.Single(r => r.Path == UploadPath.BareMultipart).Served, s =>
        {
            Assert.True(s.BodyBytes > FileBytes);
            Assert.Equal(s.ContentLength, s.BodyBytes);
        });

        Assert.Equal(results.Count + 2, ResultTables.Upload(results, settings).TrimEnd().Split('\n').Length);
    }

    [Fact]
    public async Task Outage_TenRequestsPerPattern_EveryRequestEndsWithinTheScheduleInSimulatedTime()
    {
        var settings = new OutageSettings(10, TimeSpan.FromSeconds(60), 522, OutageSettings.Patterns(10, TimeSpan.FromSeconds(60)), TimeSpan.FromMinutes(1));

        IReadOnlyList<OutageResult> results = await OutageScenario.RunAsync(settings);

        Assert.Equal(3, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(10, r.Succeeded + r.Failed);
            Assert.All(r.Requests.Where(q => q.FailedWith is not null), q => Assert.Equal(GenerationErrorKind.ServiceUnavailable, q.FailedWith));
            Assert.All(r.AttemptsDuringOutage, a => Assert.InRange(a, 1, r.MaxAttemptsPerRequest));
            Assert.InRange(r.KeyChecksDuringOutage, 0, OutageScenario.Tokens.Count);
            Assert.Equal(r.Succeeded, r.SentAfterRecovery);
            Assert.All(r.Served.Where(s => s.At < r.Outage), s => Assert.Equal(522, s.Status));
            Assert.All(r.Requests.Where(q => q.SucceededAt is not null), q => Assert.True(q.SucceededAt >= r.Outage));
        });

        // Sent when the outage begins, every attempt (0, 5, 20, 50 s) meets it: all fail after four attempts. Sent
        // halfway through, the fourth attempt (80 s) finds the service back: none fails.
        OutageResult atStart = results[0];
        Assert.Equal(10, atStart.Failed);
        Assert.All(atStart.AttemptsDuringOutage, a => Assert.Equal(4, a));
        Assert.Null(atStart.RecoveryToLastSuccess);
        OutageResult halfway = results[2];
        Assert.Equal(0, halfway.Failed);
        Assert.All(halfway.AttemptsDuringOutage, a => Assert.Equal(3, a));

        Assert.Equal(results.Count + 2, ResultTables.Outage(results).TrimEnd().Split('\n').Length);
    }
}
