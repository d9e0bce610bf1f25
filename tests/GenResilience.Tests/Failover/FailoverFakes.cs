using GenResilience.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace GenResilience.Tests.Failover;

/// <summary>
/// A failover over fake generators, on a fake clock, with captured logs and the app's meter factory: for the rules of
/// the failover alone, without HTTP.
/// </summary>
public sealed class FailoverFakes : IDisposable
{
    private FailoverFakes(ServiceProvider services, FakeVideoGenerator[] targets, GenerationFailoverOptions options, decimal?[] costs)
    {
        Services = services;
        Targets = targets;
        Logs = services.GetFakeLogCollector();
        Failover = new FailoverVideoGenerator(
            targets.Select((t, i) => new GenerationFailoverTarget<IVideoGenerator>(t.Provider, t, costs.Length > i ? costs[i] : null)),
            options,
            Time,
            services.GetRequiredService<ILoggerFactory>(),
            services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
    }

    public TrackingTimeProvider Time { get; } = new();

    public ServiceProvider Services { get; }

    public FakeVideoGenerator[] Targets { get; }

    public FailoverVideoGenerator Failover { get; }

    public FakeLogCollector Logs { get; }

    /// <summary>A failover over fakes named by <paramref name="providers"/>, in that order, with these costs.</summary>
    public static FailoverFakes Create(string[] providers, Action<GenerationFailoverOptions>? configure = null, decimal?[]? costs = null)
    {
        var services = new ServiceCollection();
        services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        services.AddMetrics();
        var options = new GenerationFailoverOptions();
        configure?.Invoke(options);
        return new FailoverFakes(services.BuildServiceProvider(), [.. providers.Select(p => new FakeVideoGenerator(p))], options, costs ?? []);
    }

    public static GenerationException Error(GenerationErrorKind kind, bool mayHaveStartedWork = false, string provider = "Fake", TimeSpan? retryAfter = null)
        => new(kind, provider, $"{provider} video failed: {kind} (simulated).")
        {
            Operation = "video",
            Attempts = 4,
            MayHaveStartedWork = mayHaveStartedWork,
            RetryAfter = retryAfter,
        };

    public static VideoGenerationRequest Request() => new("a drone over a mountain lake at dawn");

    public Task<VideoGenerationResponse> GenerateAsync(CancellationToken cancellationToken = default)
        => Failover.GenerateAsync(Request(), cancellationToken: cancellationToken);

    public IReadOnlyList<FakeLogRecord> Records(string eventName) => [.. Logs.GetSnapshot().Where(r => r.Id.Name == eventName)];

    public void Dispose()
    {
        Failover.Dispose();
        Services.Dispose();
    }
}
