using System.Diagnostics.Metrics;
using System.Net;
using System.Text.RegularExpressions;
using GenResilience.Diagnostics.Internal;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace GenResilience.Tests.Diagnostics;

public class MetricsTests
{
    private const string Path = "/models/v2/stabilityai/sdxl";

    [Fact]
    public void Meter_EveryInstrument_FollowsOpenTelemetryNaming()
    {
        using var h = PipelineHarness.Create();
        var factory = h.Services.GetRequiredService<IMeterFactory>();
        _ = h.Services.GetRequiredService<GenerationMetrics>();
        var instruments = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == "GenResilience" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    instruments.Add(instrument);
                }
            },
        };
        listener.Start();

        Assert.Equal(
            [
                "genresilience.client.attempts {attempt} Counter`1",
                "genresilience.client.key_checks {check} Counter`1",
                "genresilience.client.key_rotations {rotation} Counter`1",
                "genresilience.client.rate_limit.wait.duration s Histogram`1",
                "genresilience.client.rate_limit.waits {wait} Counter`1",
                "genresilience.client.request.duration s Histogram`1",
                "genresilience.client.retries {retry} Counter`1",
            ],
            instruments.Select(i => $"{i.Name} {i.Unit} {i.GetType().Name}").Order(StringComparer.Ordinal));
        Assert.All(instruments, i =>
        {
            Assert.Matches(new Regex("^genresilience(\\.[a-z][a-z_]*)+$"), i.Name);
            Assert.Matches(new Regex("^(s|\\{[a-z]+\\})$"), i.Unit!);
            Assert.False(string.IsNullOrWhiteSpace(i.Description));
        });
    }

    [Fact]
    public async Task RequestDuration_RetriedRequest_RecordsTheWholeCallOnTheClockWithItsOutcome()
    {
        using var h = PipelineHarness.Create();
        var factory = h.Services.GetRequiredService<IMeterFactory>();
        using var durations = new MetricCollector<double>(factory, "GenResilience", "genresilience.client.request.duration");
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.CloudflareError(522), SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Simulator.WaitForRequestsAsync(1);
        await h.StepThroughWaitsAsync(5);
        using HttpResponseMessage response = await call.Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        CollectedMeasurement<double> measurement = Assert.Single(durations.GetMeasurementSnapshot());
        Assert.Equal(5.0, measurement.Value);
        Assert.Equal(
            new Dictionary<string, object?>
            {
                ["genresilience.provider"] = "Bytez",
                ["genresilience.outcome"] = "success",
                ["genresilience.operation"] = "image",
            },
            measurement.Tags);
    }

    [Fact]
    public async Task RequestDuration_FailedRequest_CarriesTheErrorType()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = ["test-key-aaaa-1111"]);
        var factory = h.Services.GetRequiredService<IMeterFactory>();
        using var durations = new MetricCollector<double>(factory, "GenResilience", "genresilience.client.request.duration");
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Unauthorized());

        await Assert.ThrowsAsync<GenerationException>(() => h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded());

        CollectedMeasurement<double> measurement = Assert.Single(durations.GetMeasurementSnapshot());
        Assert.Equal("Unauthorized", measurement.Tags["error.type"]);
        Assert.Equal("failure", measurement.Tags["genresilience.outcome"]);
    }

    [Fact]
    public async Task Attempts_ConnectionRefusedThenSuccess_CountsANetworkErrorAndItsRetry()
    {
        var handler = new LambdaHandler((request, call, ct) => call == 1
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:9)")
            : LambdaHandler.Status(request, 200));
        using var h = PipelineHarness.Create(client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));
        var factory = h.Services.GetRequiredService<IMeterFactory>();
        using var attempts = new MetricCollector<long>(factory, "GenResilience", "genresilience.client.attempts");
        using var retries = new MetricCollector<long>(factory, "GenResilience", "genresilience.client.retries");

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        h.Time.Advance(await h.Time.WaitForTimerAsync(d => d == TimeSpan.FromSeconds(5)));
        using HttpResponseMessage response = await call.Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            ["network_error", "success"],
            attempts.GetMeasurementSnapshot().Select(m => (string)m.Tags["genresilience.outcome"]!));
        CollectedMeasurement<long> retry = Assert.Single(retries.GetMeasurementSnapshot());
        Assert.Equal("network_error", retry.Tags["genresilience.reason"]);
    }

    [Fact]
    public async Task Attempts_CallerCancelsWhileTheServerIsAnswering_CountsACanceledAttempt()
    {
        var answering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new LambdaHandler(async (request, call, ct) =>
        {
            answering.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        using var h = PipelineHarness.Create(client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));
        var factory = h.Services.GetRequiredService<IMeterFactory>();
        using var attempts = new MetricCollector<long>(factory, "GenResilience", "genresilience.client.attempts");
        using var durations = new MetricCollector<double>(factory, "GenResilience", "genresilience.client.request.duration");
        using var cancel = new CancellationTokenSource();

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path), cancel.Token);
        await answering.Task.Bounded();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Bounded());
        CollectedMeasurement<long> attempt = Assert.Single(attempts.GetMeasurementSnapshot());
        Assert.Equal("canceled", attempt.Tags["genresilience.outcome"]);
        Assert.Equal("canceled", Assert.Single(durations.GetMeasurementSnapshot()).Tags["genresilience.outcome"]);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task KeyChecks_RejectedInconclusiveAndValidKeys_AreCountedWithTheirOutcome()
    {
        const string Rejected = "test-key-aaaa-1111", Inconclusive = "test-key-bbbb-2222", Valid = "test-key-cccc-3333";
        using var h = PipelineHarness.Create(o =>
        {
            o.ApiKeys = [Rejected, Inconclusive, Valid];
            o.KeyCheck = () => new HttpRequestMessage(HttpMethod.Get, "/v1/account");
        });
        h.Simulator.On(HttpMethod.Get, "/v1/account", Rejected).Reply(SimulatedResponse.Unauthorized());
        h.Simulator.On(HttpMethod.Get, "/v1/account", Inconclusive).Reply(SimulatedResponse.Status(404));
        h.Simulator.On(HttpMethod.Get, "/v1/account", Valid).Reply(SimulatedResponse.Ok());
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());
        var factory = h.Services.GetRequiredService<IMeterFactory>();
        using var checks = new MetricCollector<long>(factory, "GenResilience", "genresilience.client.key_checks");

        for (int i = 0; i < 4; i++)
        {
            using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // One check per key, one after the other, each counted once with what its key showed: the n-th measurement is
        // the n-th check's.
        Assert.Equal([Rejected, Inconclusive, Valid], h.Simulator.Requests.Where(r => r.Path == "/v1/account").Select(r => r.ApiKey));
        Assert.Equal(
            ["rejected", "inconclusive", "valid"],
            checks.GetMeasurementSnapshot().Select(m => (string)m.Tags["genresilience.outcome"]!));
        Assert.All(checks.GetMeasurementSnapshot(), m => Assert.Equal(1, m.Value));
    }
}
