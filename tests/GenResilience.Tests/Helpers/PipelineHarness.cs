using GenResilience.Resilience.Internal;
using GenResilience.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace GenResilience.Tests.Helpers;

/// <summary>
/// A client with the GenResilience pipeline, pointed at a <see cref="ProviderSimulator"/>, with a fake clock and
/// captured logs. Named <c>Bytez</c> so log lines read like the real thing.
/// </summary>
public sealed class PipelineHarness : IDisposable
{
    public const string ClientName = "Bytez";

    private PipelineHarness(ProviderSimulator simulator, TrackingTimeProvider time, ServiceProvider services)
    {
        Simulator = simulator;
        Time = time;
        Services = services;
        Logs = services.GetFakeLogCollector();
        Client = services.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);
    }

    public ProviderSimulator Simulator { get; }

    public TrackingTimeProvider Time { get; }

    public ServiceProvider Services { get; }

    public FakeLogCollector Logs { get; }

    public HttpClient Client { get; }

    public static PipelineHarness Create(
        Action<GenerationResilienceOptions>? configure = null,
        Action<IHttpClientBuilder>? client = null,
        string simulatorKeyHeader = "Authorization",
        LogLevel minimumLevel = LogLevel.Debug,
        Action<IServiceCollection>? services = null)
    {
        var simulator = ProviderSimulator.Start(simulatorKeyHeader);
        var time = new TrackingTimeProvider();
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(time);
        collection.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false);
        collection.AddLogging(b => b.SetMinimumLevel(minimumLevel));
        services?.Invoke(collection);
        IHttpClientBuilder builder = collection
            .AddHttpClient(ClientName, c => c.BaseAddress = simulator.BaseAddress)
            .AddGenerationResilience(o => configure?.Invoke(o));
        client?.Invoke(builder);
        return new PipelineHarness(simulator, time, collection.BuildServiceProvider(validateScopes: true));
    }

    public static HttpRequestMessage Post(string path, string operation = "image")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{\"text\":\"a red fox\"}", System.Text.Encoding.UTF8, "application/json") };
        request.SetOperationName(operation);
        return request;
    }

    /// <summary>
    /// Steps the clock through each wait in turn, checking that no request goes out before a wait ends and that
    /// the next one goes out as soon as it does.
    /// </summary>
    public async Task StepThroughWaitsAsync(params int[] seconds)
    {
        int expected = Simulator.Requests.Count;
        foreach (TimeSpan wait in seconds.Select(s => TimeSpan.FromSeconds(s)))
        {
            await Time.WaitForTimerAsync(wait);
            Assert.Equal(expected, Simulator.Requests.Count);

            Time.Advance(wait - TimeSpan.FromMilliseconds(1));
            Assert.Equal(expected, Simulator.Requests.Count);

            Time.Advance(TimeSpan.FromMilliseconds(1));
            await Simulator.WaitForRequestsAsync(++expected);
        }
    }

    /// <summary>Gets how many requests the client's keys have admitted that have not ended yet.</summary>
    public int InFlight
        => Services.GetRequiredService<GenerationClientRegistry>().Find(ClientName) is { } client
            ? client.Pool.Slots.Sum(s => s.Admission.InFlight)
            : 0;

    /// <summary>
    /// Runs the fake clock until <paramref name="until"/> completes, like a discrete-event simulation: wait until no
    /// admitted request is still being answered (on the loopback server, real milliseconds), then jump to the next
    /// pending timer due within <paramref name="horizon"/>, 30 s by default (attempt timeouts, 60 s, never fire).
    /// </summary>
    public async Task RunUntilAsync(Task until, TimeSpan? horizon = null)
    {
        TimeSpan within = horizon ?? TimeSpan.FromSeconds(30);
        using var safety = new CancellationTokenSource(TaskExtensions.Safety);
        while (!until.IsCompleted)
        {
            safety.Token.ThrowIfCancellationRequested();
            while (InFlight > 0 && !until.IsCompleted)
            {
                await Task.Delay(1, safety.Token);
            }

            // Let the continuations of what just ended (a retry joining the queue) run before the clock moves.
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

        await until;
    }

    /// <summary>All captured log lines, formatted, for "no secret anywhere" checks.</summary>
    public IReadOnlyList<string> LogLines => [.. Logs.GetSnapshot().Select(r => $"{r.Level} {r.Category} {r.Id.Name}: {r.Message} {r.Exception}")];

    public IReadOnlyList<string> Warnings(string eventName)
        => [.. Logs.GetSnapshot().Where(r => r.Id.Name == eventName).Select(r => r.Message)];

    public void Dispose()
    {
        Client.Dispose();

        // Polly polls the pipeline's clock while it waits for executions to end: keep the fake clock moving.
        Time.KeepMovingWhile(() =>
        {
            Services.Dispose();
        });

        Simulator.Dispose();
    }
}
