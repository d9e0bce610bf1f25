using GenResilience.Resilience.Internal;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace GenResilience.Tests.Providers.Velro;

/// <summary>
/// An <see cref="IVelroClient"/> from <c>AddGenerationClients</c>, pointed at a <see cref="VelroSimulator"/>, on a fake clock.
/// </summary>
public sealed class VelroHarness : IDisposable
{
    public const string Token = "test-velro-token-0001";
    public const string SecondToken = "test-velro-token-0002";

    private VelroHarness(VelroSimulator velro, TrackingTimeProvider time, ServiceProvider services)
    {
        Velro = velro;
        Time = time;
        Services = services;
        Logs = services.GetFakeLogCollector();
        Client = services.GetRequiredService<IVelroClient>();
    }

    public VelroSimulator Velro { get; }

    public TrackingTimeProvider Time { get; }

    public ServiceProvider Services { get; }

    public FakeLogCollector Logs { get; }

    public IVelroClient Client { get; }

    /// <summary>Gets the create requests the simulator received.</summary>
    public IReadOnlyList<VelroSimulatedCreate> Creates => Velro.Creates;

    public static VelroHarness Create(Action<VelroClientOptions>? configure = null, Action<VelroSimulator>? velro = null)
    {
        var simulator = VelroSimulator.Start();
        var time = new TrackingTimeProvider();
        simulator.Clock = time;
        velro?.Invoke(simulator);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        services.AddGenerationClients(o =>
        {
            o.Velro = new VelroClientOptions { BaseAddress = simulator.BaseAddress, ApiKeys = [Token] };
            configure?.Invoke(o.Velro);
        });
        return new VelroHarness(simulator, time, services.BuildServiceProvider(validateScopes: true));
    }

    public static VelroGenerationRequest Image(string prompt = "a red fox in the snow") => new("fal-ai/flux-pro/v1.1-ultra", prompt);

    public static VelroGenerationRequest Video(string prompt = "a drone over a mountain lake") => new("fal-ai/veo3", prompt);

    public static byte[] PngBytes(int length = 4096)
    {
        byte[] bytes = [.. Enumerable.Range(0, length).Select(i => (byte)(i * 31 % 251))];
        "\x89PNG\r\n\x1a\n"u8.CopyTo(bytes);
        return bytes;
    }

    /// <summary>How many requests of the client's keys are being answered now.</summary>
    public int InFlight
        => Services.GetRequiredService<GenerationClientRegistry>().Find(GenerationHttpClientNames.Velro) is { } client
            ? client.Pool.Slots.Sum(s => s.Admission.InFlight)
            : 0;

    /// <summary>
    /// Runs the fake clock until <paramref name="until"/> completes: waits while a request is being answered (real
    /// milliseconds on loopback), then jumps to the next timer due within <paramref name="horizon"/> (30 s by default:
    /// retry delays and poll intervals, not the longer timeouts).
    /// </summary>
    public async Task<T> RunAsync<T>(Task<T> until, TimeSpan? horizon = null)
    {
        TimeSpan within = horizon ?? TimeSpan.FromSeconds(30);
        using var safety = new CancellationTokenSource(Helpers.TaskExtensions.Safety);
        while (!until.IsCompleted)
        {
            safety.Token.ThrowIfCancellationRequested();
            while (InFlight > 0 && !until.IsCompleted)
            {
                await Task.Delay(1, safety.Token);
            }

            await Task.Delay(1, safety.Token);
            if (until.IsCompleted)
            {
                break;
            }

            if (Time.NextDue(within) is { } next)
            {
                Time.Advance(next);
            }
            else
            {
                await Task.WhenAny(until, Time.Changed).WaitAsync(safety.Token);
            }
        }

        return await until;
    }

    public void Dispose()
    {
        // Polly polls the pipeline's clock while it waits for executions to end: keep the fake clock moving.
        Time.KeepMovingWhile(Services.Dispose);

        Velro.Dispose();
    }
}
