using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace GenResilience.Tests.Providers.UseApi;

/// <summary>
/// The UseAPI client from <c>AddGenerationClients()</c>, pointed at a <see cref="UseApiSimulator"/>, with a fake clock
/// shared with the simulator (its outages end on it) and captured logs.
/// </summary>
public sealed class UseApiHarness : IDisposable
{
    public const string Token1 = "test-token-useapi-0001";
    public const string Token2 = "test-token-useapi-0002";

    private readonly InFlightCounter _inFlight;

    private UseApiHarness(UseApiSimulator simulator, TrackingTimeProvider time, ServiceProvider services, InFlightCounter inFlight)
    {
        _inFlight = inFlight;
        Simulator = simulator;
        Time = time;
        Services = services;
        Logs = services.GetFakeLogCollector();
        services.GetRequiredService<IStartupValidator>().Validate();
        Client = services.GetRequiredService<IUseApiClient>();
    }

    public UseApiSimulator Simulator { get; }

    public TrackingTimeProvider Time { get; }

    public ServiceProvider Services { get; }

    public FakeLogCollector Logs { get; }

    public IUseApiClient Client { get; }

    /// <summary>All captured log lines, formatted, for "no secret anywhere" checks.</summary>
    public IReadOnlyList<string> LogLines => [.. Logs.GetSnapshot().Select(r => $"{r.Level} {r.Id.Name}: {r.Message} {r.Exception}")];

    /// <summary>The creates the service received (LTX Studio and Flow), in order.</summary>
    public IReadOnlyList<SimulatedRequest> Creates
        => [.. Simulator.Requests.Where(r => r.Method == "POST" && (r.Path.Contains("/videos/", StringComparison.Ordinal) || r.Path.EndsWith("/videos", StringComparison.Ordinal)))];

    public static UseApiHarness Create(
        Action<UseApiClientOptions>? configure = null, string[]? tokens = null, Action<UseApiSimulator>? simulator = null, Action<IServiceCollection>? services = null)
        => Build(simulator, tokens, (collection, useApi) =>
        {
            collection.AddGenerationClients(o =>
            {
                o.UseApi = new UseApiClientOptions { BaseAddress = useApi.BaseAddress, ApiKeys = tokens ?? [Token1] };
                configure?.Invoke(o.UseApi);
            });
            services?.Invoke(collection);
        });

    /// <summary>Settings from the app's configuration, the way a hosted app sees its environment variables.</summary>
    public static UseApiHarness FromConfiguration(Dictionary<string, string?> settings, Action<UseApiSimulator>? simulator = null)
        => Build(simulator, null, (services, useApi) =>
        {
            settings["GenerationClients:UseApi:BaseAddress"] = useApi.BaseAddress.ToString();
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
            services.AddGenerationClients();
        });

    public IReadOnlyList<string> Messages(string eventName)
        => [.. Logs.GetSnapshot().Where(r => r.Id.Name == eventName).Select(r => r.Message)];

    /// <summary>
    /// Runs a call to its end on the fake clock: while no request is being answered, jump to the next timer due
    /// within <paramref name="horizon"/> (a retry delay, a poll interval); attempt timeouts (60 s) never fire.
    /// Not for probes: their 20 s total timeout is within the horizon, and they never wait on the clock.
    /// </summary>
    public async Task<T> RunAsync<T>(Task<T> call, TimeSpan? horizon = null)
    {
        TimeSpan within = horizon ?? TimeSpan.FromSeconds(30);
        using var safety = new CancellationTokenSource(Helpers.TaskExtensions.Safety);
        while (!call.IsCompleted)
        {
            while (InFlight > 0 && !call.IsCompleted)
            {
                await Task.Delay(1, safety.Token);
            }

            await Task.Delay(1, safety.Token);
            if (call.IsCompleted)
            {
                break;
            }

            if (Time.NextDue(within) is { } next)
            {
                Time.Advance(next);
            }
            else
            {
                await Task.WhenAny(call, Time.Changed).WaitAsync(safety.Token);
            }
        }

        return await call;
    }

    /// <summary>Runs a call that must fail, and returns its error.</summary>
    public async Task<GenerationException> FailsAsync<T>(Task<T> call, TimeSpan? horizon = null)
        => await Assert.ThrowsAsync<GenerationException>(() => RunAsync(call, horizon));

    /// <summary>Gets how many attempts (requests, key checks, probes) are on the wire now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight.Count);

    public void Dispose()
    {
        // Polly polls the pipeline's clock while it waits for executions to end: keep the fake clock moving.
        Time.KeepMovingWhile(() =>
        {
            Simulator.Dispose();
            Services.Dispose();
        });
    }

    private static UseApiHarness Build(Action<UseApiSimulator>? configureSimulator, string[]? tokens, Action<IServiceCollection, UseApiSimulator> register)
    {
        var simulator = UseApiSimulator.Start(tokens ?? [Token1, Token2]);
        var time = new TrackingTimeProvider();
        simulator.Clock = time;
        configureSimulator?.Invoke(simulator);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        register(services, simulator);

        // Innermost (registered last): counts each attempt on the wire, so the clock never moves under one.
        var inFlight = new InFlightCounter();
        services.ConfigureAll<HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(b => b.AdditionalHandlers.Add(new CountingHandler(inFlight))));
        return new UseApiHarness(simulator, time, services.BuildServiceProvider(validateScopes: true), inFlight);
    }

    private sealed class InFlightCounter
    {
        public int Count;
    }

    private sealed class CountingHandler(InFlightCounter counter) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref counter.Count);
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref counter.Count);
            }
        }
    }
}
