using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace GenResilience.Tests.Failover;

/// <summary>
/// UseAPI, Velro and Bytez clients from <c>AddGenerationClients()</c>, each pointed at its simulator, all on one fake
/// clock (the simulators' outages and slow runs end on it), with a failover registered over them and captured logs.
/// </summary>
public sealed class FailoverHarness : IDisposable
{
    public const string UseApiToken = "test-token-useapi-0001";
    public const string VelroToken = "test-velro-token-0001";
    public const string BytezKey = "test-key-bytez-0001";

    private readonly InFlightCounter _inFlight;

    private FailoverHarness(UseApiSimulator useApi, VelroSimulator velro, BytezSimulator bytez, TrackingTimeProvider time, ServiceProvider services, InFlightCounter inFlight)
    {
        UseApi = useApi;
        Velro = velro;
        Bytez = bytez;
        Time = time;
        Services = services;
        _inFlight = inFlight;
        Logs = services.GetFakeLogCollector();
        services.GetRequiredService<IStartupValidator>().Validate();
    }

    public UseApiSimulator UseApi { get; }

    public VelroSimulator Velro { get; }

    public BytezSimulator Bytez { get; }

    public TrackingTimeProvider Time { get; }

    public ServiceProvider Services { get; }

    public FakeLogCollector Logs { get; }

    /// <summary>Gets the creates UseAPI received (LTX Studio and Flow).</summary>
    public IReadOnlyList<SimulatedRequest> UseApiCreates
        => [.. UseApi.Requests.Where(r => r.Method == "POST" && (r.Path.Contains("/videos/", StringComparison.Ordinal) || r.Path.EndsWith("/videos", StringComparison.Ordinal)))];

    public static FailoverHarness Create(Action<IServiceCollection> failover, Action<GenerationClientsOptions>? clients = null)
    {
        var time = new TrackingTimeProvider();
        var useApi = UseApiSimulator.Start(UseApiToken);
        var velro = VelroSimulator.Start();
        var bytez = BytezSimulator.Start().WithKey(BytezKey).WithModel(BytezSimulator.ImageModel).WithModel(BytezSimulator.VideoModel, "text-to-video");
        useApi.Clock = time;
        velro.Clock = time;
        bytez.Clock = time;

        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        services.AddGenerationClients(o =>
        {
            o.UseApi = new UseApiClientOptions { BaseAddress = useApi.BaseAddress, ApiKeys = [UseApiToken] };
            o.Velro = new VelroClientOptions { BaseAddress = velro.BaseAddress, ApiKeys = [VelroToken] };
            o.Bytez = new BytezClientOptions { BaseAddress = bytez.BaseAddress, ApiKeys = [BytezKey] };
            clients?.Invoke(o);
        });
        failover(services);

        // Innermost (registered last): counts each request on the wire, so the clock never moves under one.
        var inFlight = new InFlightCounter();
        services.ConfigureAll<HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(b => b.AdditionalHandlers.Add(new CountingHandler(inFlight))));
        return new FailoverHarness(useApi, velro, bytez, time, services.BuildServiceProvider(validateScopes: true), inFlight);
    }

    public IReadOnlyList<FakeLogRecord> Records(string eventName) => [.. Logs.GetSnapshot().Where(r => r.Id.Name == eventName)];

    /// <summary>
    /// Runs a call to its end on the fake clock: while no request is on the wire, jump to the next timer due within
    /// 30 s (retry delays, poll intervals); attempt timeouts (60 s and more) never fire.
    /// </summary>
    public async Task<T> RunAsync<T>(Task<T> call)
    {
        TimeSpan within = TimeSpan.FromSeconds(30);
        using var safety = new CancellationTokenSource(Helpers.TaskExtensions.Safety);
        while (!call.IsCompleted)
        {
            while (Volatile.Read(ref _inFlight.Count) > 0 && !call.IsCompleted)
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

    public void Dispose()
    {
        // Polly polls the pipeline's clock while it waits for executions to end: keep the fake clock moving.
        Time.KeepMovingWhile(Services.Dispose);

        UseApi.Dispose();
        Velro.Dispose();
        Bytez.Dispose();
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
