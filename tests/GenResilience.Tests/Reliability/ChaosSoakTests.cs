using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using GenResilience.Resilience.Internal;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Polly;
using Polly.Simmy;
using Polly.Simmy.Fault;
using Polly.Simmy.Latency;
using Polly.Simmy.Outcomes;

namespace GenResilience.Tests.Reliability;

/// <summary>
/// 5,000 requests at 64 at a time through faults injected with Polly's own chaos strategies: server errors and
/// Cloudflare 522s, 429s with assorted <c>Retry-After</c>, connection resets, latency spikes, and one revoked key.
/// Runs alone (no other test in parallel), so an unobserved task exception seen here is its own.
/// </summary>
[Collection(RunsAlone.Name)]
public class ChaosSoakTests
{
    private const string ClientName = "chaos";
    private const string RevokedKey = "test-key-revoked-9999";
    private static readonly string[] Keys = ["test-key-good-0001", RevokedKey, "test-key-good-0002"];

    [Fact]
    public async Task Soak_5000RequestsThroughChaos_EveryOneEndsTypedNothingLeaksAndTheMetersAddUp()
    {
        var time = new TrackingTimeProvider();
        var server = new ChaosServer(time, seed: 42);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        services.AddHttpClient(ClientName, c => c.BaseAddress = new Uri("http://chaos.test/"))
            .AddGenerationResilience(o => o.ApiKeys = [.. Keys])
            .ConfigurePrimaryHttpMessageHandler(() => server);
        ServiceProvider provider = services.BuildServiceProvider();
        var meters = provider.GetRequiredService<IMeterFactory>();
        using var attempts = new MetricCollector<long>(meters, "GenResilience", "genresilience.client.attempts");
        using var retries = new MetricCollector<long>(meters, "GenResilience", "genresilience.client.retries");
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);
        // Earlier tests' unobserved exceptions are flushed before watching starts.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var unobserved = new ConcurrentQueue<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> watch = (_, e) =>
        {
            if (e.Exception.ToString().Contains("GenResilience", StringComparison.Ordinal))
            {
                unobserved.Enqueue(e.Exception);
            }
        };
        TaskScheduler.UnobservedTaskException += watch;

        // The clock jumps to the next pending timer (a backoff, a cooldown, a latency spike) and a second beyond, so
        // fake minutes pass in real milliseconds; attempt timeouts (60 s) only fire for an attempt that really hangs.
        DateTimeOffset started = time.GetUtcNow();
        using var done = new CancellationTokenSource();
        bool draining = false;
        Task clock = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await Task.Delay(1);
                if (time.NextDue(TimeSpan.FromMinutes(2)) is { } next)
                {
                    time.Advance(next + TimeSpan.FromSeconds(1));
                }
                else if (Volatile.Read(ref draining))
                {
                    time.Advance(TimeSpan.FromSeconds(1));
                }
            }
        });

        var outcomes = new ConcurrentBag<object>();
        try
        {
            using var gate = new SemaphoreSlim(64);
            Task[] calls = [.. Enumerable.Range(0, 5000).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/things/" + i);
                    request.SetOperationName("soak");
                    using HttpResponseMessage response = await client.SendAsync(request);
                    outcomes.Add(response.StatusCode);
                }
                catch (Exception e)
                {
                    outcomes.Add(e);
                }
                finally
                {
                    gate.Release();
                }
            })];
            await Task.WhenAll(calls).WaitAsync(TimeSpan.FromMinutes(3));

        GC.Collect();
        GC.WaitForPendingFinalizers();
        TaskScheduler.UnobservedTaskException -= watch;

        // Every request ended: in a response (the last one, when a budget ran out) or a typed error. Nothing hung.
        Assert.Equal(5000, outcomes.Count);
        Exception[] errors = [.. outcomes.OfType<Exception>()];
        Assert.All(errors, e => Assert.True(e is GenerationException or HttpRequestException, e.ToString()));
        int succeeded = outcomes.OfType<HttpStatusCode>().Count(s => s == HttpStatusCode.OK);
        Assert.True(succeeded > 4500, $"{succeeded} of 5000 succeeded");
        Assert.Empty(unobserved);

        // No key text anywhere a user or an operator could see it.
        string[] logs = [.. provider.GetFakeLogCollector().GetSnapshot().Select(r => r.Message + " " + r.Exception)];
        string[] tags = [.. attempts.GetMeasurementSnapshot().Concat(retries.GetMeasurementSnapshot()).SelectMany(m => m.Tags.Values).Select(v => v?.ToString() ?? string.Empty)];
        foreach (string key in Keys)
        {
            Assert.DoesNotContain(logs, l => l.Contains(key, StringComparison.Ordinal));
            Assert.DoesNotContain(errors, e => e.ToString().Contains(key, StringComparison.Ordinal));
            Assert.DoesNotContain(tags, t => t.Contains(key, StringComparison.Ordinal));
        }

        // The meter counted every attempt the server saw, and more only for attempts that timed out: on a loaded
        // machine the jumping clock can time an attempt out before it reaches the server. The revoked key was refused
        // and set aside; no key is left reserved.
        long counted = attempts.GetMeasurementSnapshot().Sum(m => m.Value);
        long timedOut = attempts.GetMeasurementSnapshot().Where(m => Equals(m.Tags["genresilience.outcome"], "attempt_timeout")).Sum(m => m.Value);
        Assert.InRange(counted, server.Requests, server.Requests + timedOut);
        // Without a key check, a revoked key costs at most one request per request in flight with it when its 401
        // comes back (a third of 64 here), once per quarantine period (RejectedKeyCooldown, 10 min of fake time).
        int periods = (int)Math.Ceiling((time.GetUtcNow() - started) / TimeSpan.FromMinutes(10));
        Assert.InRange(server.RequestsWith(RevokedKey), 1, periods * 22);
        Assert.True(server.Faults > 500, $"only {server.Faults} faults were injected");
        GenerationClientContext context = provider.GetRequiredService<GenerationClientRegistry>().Find(ClientName)!;
        Assert.Equal(0, context.Pool.Slots.Sum(s => s.Admission.InFlight));
        }
        finally
        {
            // Polly waits for the pipeline's executions to end before it disposes them, polling on the pipeline's
            // clock: keep the clock moving until the provider is disposed, or a request left waiting would hang here.
            Volatile.Write(ref draining, true);
            await provider.DisposeAsync();
            done.Cancel();
            await clock;
        }
    }

    /// <summary>An in-memory server behind Polly's chaos strategies; 401 for the revoked key.</summary>
    private sealed class ChaosServer : HttpMessageHandler
    {
        private readonly ResiliencePipeline<HttpResponseMessage> _chaos;
        private readonly ConcurrentDictionary<string, int> _byKey = new(StringComparer.Ordinal);
        private readonly Random _random;
        private readonly object _gate = new();
        private int _requests;
        private int _faults;

        public ChaosServer(TimeProvider time, int seed)
        {
            _random = new Random(seed);
            _chaos = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
                .AddChaosLatency(new ChaosLatencyStrategyOptions { InjectionRate = 0.03, Latency = TimeSpan.FromSeconds(3), Randomizer = Next })
                .AddChaosFault(new ChaosFaultStrategyOptions
                {
                    InjectionRate = 0.03,
                    Randomizer = Next,
                    FaultGenerator = static _ => new ValueTask<Exception?>(new HttpRequestException("Connection reset by peer", new SocketException((int)SocketError.ConnectionReset))),
                    OnFaultInjected = _ => Count(),
                })
                .AddChaosOutcome(new ChaosOutcomeStrategyOptions<HttpResponseMessage>
                {
                    InjectionRate = 0.30,
                    Randomizer = Next,
                    OutcomeGenerator = _ => new ValueTask<Outcome<HttpResponseMessage>?>(Outcome.FromResult(new HttpResponseMessage(Next() < 0.5 ? HttpStatusCode.ServiceUnavailable : (HttpStatusCode)522) { Content = new StringContent("<html>down</html>") })),
                    OnOutcomeInjected = _ => Count(),
                })
                .AddChaosOutcome(new ChaosOutcomeStrategyOptions<HttpResponseMessage>
                {
                    InjectionRate = 0.10,
                    Randomizer = Next,
                    OutcomeGenerator = _ => new ValueTask<Outcome<HttpResponseMessage>?>(Outcome.FromResult(RateLimited())),
                    OnOutcomeInjected = _ => Count(),
                })
                .Build();
        }

        public int Requests => Volatile.Read(ref _requests);

        public int Faults => Volatile.Read(ref _faults);

        public int RequestsWith(string key) => _byKey.GetValueOrDefault(key);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            string key = request.Headers.Authorization?.Parameter ?? string.Empty;
            _byKey.AddOrUpdate(key, 1, (_, n) => n + 1);
            if (key == RevokedKey)
            {
                return new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent("{\"error\":\"Unauthorized\"}") };
            }

            return await _chaos.ExecuteAsync(static _ => new ValueTask<HttpResponseMessage>(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") }), cancellationToken);
        }

        private ValueTask Count()
        {
            Interlocked.Increment(ref _faults);
            return default;
        }

        private double Next()
        {
            lock (_gate)
            {
                return _random.NextDouble();
            }
        }

        private HttpResponseMessage RateLimited()
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("{\"error\":\"slow down\"}") };
            double pick = Next();
            if (pick < 0.25)
            {
                response.Headers.TryAddWithoutValidation("Retry-After", "1");
            }
            else if (pick < 0.5)
            {
                response.Headers.TryAddWithoutValidation("Retry-After", "soon");
            }
            else if (pick < 0.75)
            {
                response.Headers.TryAddWithoutValidation("Retry-After", "99999");
            }

            return response;
        }
    }
}

/// <summary>Tests that must not share the process with others while they run.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Soak (alone)";
}
