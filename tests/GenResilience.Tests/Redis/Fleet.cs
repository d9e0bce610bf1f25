using GenResilience.Redis;
using GenResilience.Redis.Internal;
using GenResilience.Resilience.Internal;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;

namespace GenResilience.Tests.Redis;

/// <summary>
/// Several app instances (one <see cref="ServiceProvider"/> each) of a client named <c>Bytez</c>, on one simulator and
/// one fake clock, sharing key state through Redis under a prefix of their own (or not at all, for comparison).
/// </summary>
public sealed class Fleet : IDisposable
{
    public const string ClientName = "Bytez";
    public const string Path = "/v1/generate";

    private Fleet(ProviderSimulator simulator, TrackingTimeProvider time, string prefix, IReadOnlyList<Instance> instances)
    {
        Simulator = simulator;
        Time = time;
        Prefix = prefix;
        Instances = instances;
    }

    public ProviderSimulator Simulator { get; }

    public TrackingTimeProvider Time { get; }

    /// <summary>Gets the Redis key prefix of this fleet, unique to the test.</summary>
    public string Prefix { get; }

    public IReadOnlyList<Instance> Instances { get; }

    public Instance this[int index] => Instances[index];

    /// <summary>
    /// Creates <paramref name="count"/> instances; <paramref name="redis"/> null keeps each instance's state in memory,
    /// unless <paramref name="store"/> gives the one store (on the fleet's clock) that every instance shares.
    /// </summary>
    public static Fleet Create(
        int count,
        string? redis,
        Action<GenerationResilienceOptions> configure,
        Func<IServiceProvider, IConnectionMultiplexer>? connection = null,
        ProviderSimulator? simulator = null,
        Func<TimeProvider, IGenerationKeyStateStore>? store = null)
    {
        simulator ??= ProviderSimulator.Start();
        var time = new TrackingTimeProvider();
        simulator.Clock = time;
        string prefix = "test-" + Guid.NewGuid().ToString("N")[..12];
        IGenerationKeyStateStore? shared = store?.Invoke(time);
        var instances = new List<Instance>();
        for (int i = 0; i < count; i++)
        {
            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(time);
            services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false);
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
            var http = new CountingHandler();
            IHttpClientBuilder builder = services
                .AddHttpClient(ClientName, c => c.BaseAddress = simulator.BaseAddress)
                .AddGenerationResilience(configure)
                .AddHttpMessageHandler(() => http.Create());
            // Generous bounds: these tests are about what is shared, on a machine that may be busy; the outage tests
            // stop Redis rather than slow it down.
            void Options(RedisKeyStateOptions o)
            {
                o.KeyPrefix = prefix;
                o.OperationTimeout = TimeSpan.FromSeconds(5);
            }

            if (shared is not null)
            {
                services.AddKeyedSingleton(ClientName, shared);
            }
            else if (connection is not null)
            {
                builder.UseRedisKeyState(connection, Options);
            }
            else if (redis is not null)
            {
                builder.UseRedisKeyState(redis, Options);
            }

            instances.Add(new Instance(services.BuildServiceProvider(validateScopes: true), http));
        }

        return new Fleet(simulator, time, prefix, instances);
    }

    public static HttpRequestMessage Post() => PipelineHarness.Post(Path);

    /// <summary>Waits until every instance's connection to Redis is up (bounded, real time).</summary>
    public async Task ConnectedAsync()
    {
        foreach (Instance instance in Instances)
        {
            await instance.Store.Connecting!.Bounded();
            await WaitUntilAsync(() => instance.Store.IsAvailable, "the instance's Redis connection is up");
        }
    }

    /// <summary>Waits until no instance has a Redis call in flight (bounded, real time).</summary>
    public Task RedisIdleAsync() => WaitUntilAsync(() => Instances.All(i => i.Store.PendingCalls == 0), "every Redis call was answered");

    /// <summary>Polls <paramref name="condition"/> on the real clock, a few milliseconds apart, for at most 10 s.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var safety = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (safety.IsCancellationRequested)
            {
                throw new TimeoutException("Waited 10 s for this and it did not happen: " + what);
            }

            await Task.Delay(5, CancellationToken.None);
        }
    }

    /// <summary>
    /// Runs the fake clock until <paramref name="until"/> completes, like a discrete-event simulation: wait until nothing
    /// runs on the real clock (no HTTP request, no Redis call, no admitted request short of its shared-budget wait), then
    /// jump to the next pending timer.
    /// </summary>
    public async Task RunUntilAsync(Task until)
    {
        using var safety = new CancellationTokenSource(Helpers.TaskExtensions.Safety);
        using CancellationTokenRegistration explain = safety.Token.Register(() => Console.Error.WriteLine("Fleet.RunUntilAsync gave up: " + Describe()));
        while (!until.IsCompleted)
        {
            safety.Token.ThrowIfCancellationRequested();
            while (!Settled() && !until.IsCompleted)
            {
                await Task.Delay(1, safety.Token);
            }

            // Let the continuations of what just ended (a retry joining a line, a wait starting) run before the clock moves.
            await Task.Delay(2, safety.Token);
            if (until.IsCompleted)
            {
                break;
            }

            if (!Settled())
            {
                continue;
            }

            if (Time.NextDue(TimeSpan.FromSeconds(30)) is { } next)
            {
                Time.Advance(next);
            }
            else
            {
                await Task.WhenAny(until, Time.Changed).WaitAsync(safety.Token);
            }
        }

        await until;
    }

    public void Dispose()
    {
        foreach (Instance instance in Instances)
        {
            instance.Client.Dispose();
        }

        Time.KeepMovingWhile(() =>
        {
            foreach (Instance instance in Instances)
            {
                instance.Services.Dispose();
            }
        });

        Simulator.Dispose();
    }

    private bool Settled() => Instances.All(i => i.Settled);

    /// <summary>What each instance is doing, for a test that ran out of time.</summary>
    private string Describe()
        => $"clock {Time.GetUtcNow():HH:mm:ss.fff}, timers due in [{string.Join(", ", Time.PendingDueTimes)}], {Simulator.Requests.Count} requests; "
            + string.Join("; ", Instances.Select((i, n) => $"instance {n + 1}: {i.Describe()}"));

    /// <summary>One app instance.</summary>
    public sealed class Instance
    {
        private readonly CountingHandler _http;

        internal Instance(ServiceProvider services, CountingHandler http)
        {
            Services = services;
            _http = http;
            Client = services.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);
            Logs = services.GetFakeLogCollector();
        }

        public ServiceProvider Services { get; }

        public HttpClient Client { get; }

        public FakeLogCollector Logs { get; }

        internal RedisKeyStateStore Store => (RedisKeyStateStore)Services.GetRequiredKeyedService<IGenerationKeyStateStore>(ClientName);

        internal RedisKeyStateStore? StoreIfAny => Services.GetKeyedService<IGenerationKeyStateStore>(ClientName) as RedisKeyStateStore;

        public Task<HttpResponseMessage> SendAsync() => Client.SendAsync(Post());

        public IReadOnlyList<string> Logged(string eventName) => [.. Logs.GetSnapshot().Where(r => r.Id.Name == eventName).Select(r => r.Message)];

        internal string Describe()
        {
            var client = Services.GetRequiredService<GenerationClientRegistry>().Find(ClientName);
            return $"http {_http.InFlight}, redis {StoreIfAny?.PendingCalls}, admitted {client?.Pool.Slots.Sum(s => s.Admission.InFlight)}, "
                + $"budget waits {client?.Pool.SharedBudgetWaits}, waiting {client?.Pool.Slots.Sum(s => s.Admission.Waiting)}, checks {client?.Pool.Slots.Count(s => s.Check is not null)}";
        }

        internal bool Settled
        {
            get
            {
                if (_http.InFlight > 0 || StoreIfAny?.PendingCalls > 0)
                {
                    return false;
                }

                if (Services.GetRequiredService<GenerationClientRegistry>().Find(ClientName) is not { } client)
                {
                    return true;
                }

                return client.Pool.Slots.Sum(s => s.Admission.InFlight) == client.Pool.SharedBudgetWaits;
            }
        }
    }

    /// <summary>Counts the HTTP requests an instance has on the wire, key checks included.</summary>
    internal sealed class CountingHandler
    {
        private int _inFlight;

        public int InFlight => Volatile.Read(ref _inFlight);

        public DelegatingHandler Create() => new Handler(this);

        private sealed class Handler(CountingHandler owner) : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref owner._inFlight);
                try
                {
                    return await base.SendAsync(request, cancellationToken);
                }
                finally
                {
                    Interlocked.Decrement(ref owner._inFlight);
                }
            }
        }
    }
}
