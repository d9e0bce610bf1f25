using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace GenResilience.Tests.Providers.Bytez;

/// <summary>
/// The Bytez client from <c>AddGenerationClients()</c>, pointed at a <see cref="BytezSimulator"/>, with a fake clock
/// (shared with the simulator, so slow runs answer when the test moves it) and captured logs.
/// </summary>
public sealed class BytezHarness : IDisposable
{
    public const string Key1 = "test-key-bytez-0001";
    public const string Key2 = "test-key-bytez-0002";
    public const string Key3 = "test-key-bytez-0003";

    private BytezHarness(BytezSimulator simulator, TrackingTimeProvider time, ServiceProvider services)
    {
        Simulator = simulator;
        Time = time;
        Services = services;
        Logs = services.GetFakeLogCollector();
        services.GetRequiredService<IStartupValidator>().Validate();
        Client = services.GetRequiredService<IBytezClient>();
    }

    public BytezSimulator Simulator { get; }

    public TrackingTimeProvider Time { get; }

    public ServiceProvider Services { get; }

    public FakeLogCollector Logs { get; }

    public IBytezClient Client { get; }

    /// <summary>Gets how many runs wait in the client's queue.</summary>
    public int QueueLength => ((BytezClient)Client).QueueLength;

    /// <summary>All captured log lines, formatted, for "no secret anywhere" checks.</summary>
    public IReadOnlyList<string> LogLines => [.. Logs.GetSnapshot().Select(r => $"{r.Level} {r.Id.Name}: {r.Message} {r.Exception}")];

    public static BytezHarness Create(
        Action<BytezClientOptions>? configure = null, string[]? keys = null, Action<BytezSimulator>? simulator = null, Action<IServiceCollection>? services = null)
        => Build(simulator, (collection, bytez) =>
        {
            collection.AddGenerationClients(o =>
            {
                o.Bytez = new BytezClientOptions { BaseAddress = bytez.BaseAddress, ApiKeys = keys ?? [Key1] };
                configure?.Invoke(o.Bytez);
            });
            services?.Invoke(collection);
        });

    /// <summary>Keys and settings from the app's configuration, the way a hosted app sees its environment variables.</summary>
    public static BytezHarness FromConfiguration(Dictionary<string, string?> settings, Action<BytezSimulator>? simulator = null)
        => Build(simulator, (services, bytez) =>
        {
            settings["GenerationClients:Bytez:BaseAddress"] = bytez.BaseAddress.ToString();
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
            services.AddGenerationClients();
        });

    public IReadOnlyList<string> Messages(string eventName)
        => [.. Logs.GetSnapshot().Where(r => r.Id.Name == eventName).Select(r => r.Message)];

    /// <summary>Waits until the clock has a timer of exactly <paramref name="wait"/> pending (a run, a cooldown), then moves past it.</summary>
    public async Task PassAsync(TimeSpan wait)
    {
        await Time.WaitForTimerAsync(wait);
        Time.Advance(wait);
    }

    /// <summary>Waits (on the real clock, bounded) until <paramref name="count"/> runs wait in the client's queue.</summary>
    public async Task WaitForQueueAsync(int count)
    {
        using var safety = new CancellationTokenSource(Helpers.TaskExtensions.Safety);
        while (QueueLength != count)
        {
            await Task.Delay(1, safety.Token);
        }
    }

    public void Dispose()
    {
        // Polly polls the pipeline's clock while it waits for executions to end: keep the fake clock moving.
        Time.KeepMovingWhile(() =>
        {
            Simulator.Dispose();
            Services.Dispose();
        });
    }

    private static BytezHarness Build(Action<BytezSimulator>? configureSimulator, Action<IServiceCollection, BytezSimulator> register)
    {
        var simulator = BytezSimulator.Start();
        var time = new TrackingTimeProvider();
        simulator.Clock = time;
        configureSimulator?.Invoke(simulator);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        register(services, simulator);
        return new BytezHarness(simulator, time, services.BuildServiceProvider(validateScopes: true));
    }
}
