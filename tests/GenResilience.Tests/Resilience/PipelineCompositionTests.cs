using System.Net;
using System.Text.Json;
using GenResilience.Resilience.Internal;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Testing;
using Polly.Timeout;

namespace GenResilience.Tests.Resilience;

public class PipelineCompositionTests
{
    [Fact]
    public void Configure_StrategiesAreInTheDocumentedOrder()
    {
        var options = new GenerationResilienceOptions { ApiKeys = ["test-key-1"] };
        var client = new GenerationClientContext(
            new GenerationClientDefinition("c", "c", _ => () => options, _ => [], "GenerationResilienceOptions.{0}", "keys", _ => { }),
            new ServiceCollection().BuildServiceProvider(),
            TimeProvider.System,
            NullLogger.Instance,
            new GenResilience.Diagnostics.Internal.GenerationMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();

        GenerationPipeline.Configure(builder, client, options);
        ResiliencePipelineDescriptor descriptor = builder.Build().GetPipelineDescriptor();

        Assert.Equal(
            ["GenResilience.Request", "GenResilience.TotalTimeout", "GenResilience.Retry", "GenResilience.AttemptTimeout"],
            descriptor.Strategies.Select(s => s.Options?.Name));
        Assert.IsType<TimeoutStrategyOptions>(descriptor.Strategies[1].Options);

        // One retry for every reason, which is also the key acquisition: each reason's budget is checked by the
        // strategy itself, never by Polly's count.
        RetryStrategyOptions<HttpResponseMessage> retry = Assert.IsType<RetryStrategyOptions<HttpResponseMessage>>(descriptor.Strategies[2].Options);
        Assert.Equal(int.MaxValue, retry.MaxRetryAttempts);
        Assert.Equal(TimeSpan.Zero, retry.Delay);
        Assert.IsType<TimeoutStrategyOptions>(descriptor.Strategies[3].Options);
    }

    [Fact]
    public void Configure_NoRetryOfAnyKind_KeyAcquisitionAlone()
    {
        var options = new GenerationResilienceOptions { RetryDelays = [], MaxRateLimitRetries = 0 };
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();

        GenerationPipeline.Configure(builder, Client(options), options);

        Assert.Equal(
            ["GenResilience.Request", "GenResilience.TotalTimeout", "GenResilience.KeyAcquisition", "GenResilience.AttemptTimeout"],
            builder.Build().GetPipelineDescriptor().Strategies.Select(s => s.Options?.Name));
    }

    [Theory]
    [InlineData(new[] { 503, 502, 200 })]
    [InlineData(new[] { 503, 404 })]
    [InlineData(new[] { 200 })]
    [InlineData(new[] { 500, 500, 500, 500 })]
    public async Task Retry_ReportsWhatPollysRetryStrategyReports(int[] statuses)
    {
        // The retry runs inside the key acquisition; Polly's own retry strategy around a key acquisition is the reference.
        var options = new GenerationResilienceOptions { RetryDelays = [TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1)] };
        GenerationClientContext client = Client(options);
        var ours = new RecordingListener();
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = "p", TelemetryListener = ours };
        GenerationPipeline.Configure(builder, client, options);
        ResiliencePipeline<HttpResponseMessage> pipeline = builder.Build();
        var retry = (RetryStrategyOptions<HttpResponseMessage>)pipeline.GetPipelineDescriptor().Strategies[2].Options!;
        var theirs = new RecordingListener();
        ResiliencePipeline<HttpResponseMessage> reference = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = "p", TelemetryListener = theirs }
            .AddStrategy(_ => new RequestScopeStrategy(client, options), new GenerationStrategyOptions(GenerationPipelineKeys.RequestScope))
            .AddRetry(retry)
            .AddStrategy(_ => new KeyAcquisitionStrategy(client), new GenerationStrategyOptions(GenerationPipelineKeys.KeyAcquisition))
            .Build();

        HttpStatusCode oursStatus = await RunAsync(pipeline, statuses);
        HttpStatusCode theirsStatus = await RunAsync(reference, statuses);

        Assert.Equal(theirsStatus, oursStatus);
        Assert.NotEmpty(theirs.Events);
        Assert.Equal(theirs.Events, ours.Events);
    }

    private static async Task<HttpStatusCode> RunAsync(ResiliencePipeline<HttpResponseMessage> pipeline, int[] statuses)
    {
        int sent = 0;
        Outcome<HttpResponseMessage> outcome = await pipeline.ExecuteOutcomeAsync(
            (_, _) => new ValueTask<Outcome<HttpResponseMessage>>(Outcome.FromResult(new HttpResponseMessage((HttpStatusCode)statuses[Math.Min(sent++, statuses.Length - 1)]))),
            ResilienceContextPool.Shared.Get(),
            0);
        return outcome.Result!.StatusCode;
    }

    private static GenerationClientContext Client(GenerationResilienceOptions options)
        => new(
            new GenerationClientDefinition("c", "c", _ => () => options, _ => [], "GenerationResilienceOptions.{0}", "keys", _ => { }),
            new ServiceCollection().BuildServiceProvider(),
            TimeProvider.System,
            NullLogger.Instance,
            new GenResilience.Diagnostics.Internal.GenerationMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));

    /// <summary>The retry strategy's events: what, how severe, from which strategy, for which attempt.</summary>
    private sealed class RecordingListener : Polly.Telemetry.TelemetryListener
    {
        public List<string> Events { get; } = [];

        public override void Write<TResult, TArgs>(in Polly.Telemetry.TelemetryEventArguments<TResult, TArgs> args)
        {
            if (args.Source.StrategyName != GenerationPipelineKeys.Retry)
            {
                return;
            }

            string detail = args.Arguments switch
            {
                Polly.Telemetry.ExecutionAttemptArguments a => $"attempt {a.AttemptNumber} handled {a.Handled}",
                OnRetryArguments<HttpResponseMessage> r => $"attempt {r.AttemptNumber} delay {r.RetryDelay}",
                _ => args.Arguments?.GetType().Name ?? "",
            };
            Events.Add($"{args.Source.PipelineName} {args.Event.EventName} {args.Event.Severity} {detail} {(args.Outcome is { } o ? (o.Result as HttpResponseMessage)?.StatusCode : null)}");
        }
    }

    [Fact]
    public async Task Meter_CountsAttemptsRetriesByReasonRotationsAndWaits()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = ["test-key-aaaa-1111", "test-key-bbbb-2222"]);
        var factory = h.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var attempts = new MetricCollector<long>(factory, "GenResilience", "genresilience.client.attempts");
        using var retries = new MetricCollector<long>(factory, "GenResilience", "genresilience.client.retries");
        using var rotations = new MetricCollector<long>(factory, "GenResilience", "genresilience.client.key_rotations");
        using var waits = new MetricCollector<long>(factory, "GenResilience", "genresilience.client.rate_limit.waits");
        h.Simulator.On(HttpMethod.Post, "/m", "test-key-aaaa-1111").Reply(SimulatedResponse.Unauthorized());
        h.Simulator.On(HttpMethod.Post, "/m").Reply(SimulatedResponse.CloudflareError(522), SimulatedResponse.RateLimited(TimeSpan.FromSeconds(3)), SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post("/m"));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(3));
        h.Time.Advance(TimeSpan.FromSeconds(3));
        using HttpResponseMessage response = await call.Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            ["key_rejected", "server_error", "rate_limited", "success"],
            attempts.GetMeasurementSnapshot().Select(m => (string)m.Tags["genresilience.outcome"]!));
        Assert.All(attempts.GetMeasurementSnapshot(), m => Assert.Equal("Bytez", m.Tags["genresilience.provider"]));
        Assert.Equal(["key_rejected", "server_error", "rate_limited"], retries.GetMeasurementSnapshot().Select(m => (string)m.Tags["genresilience.reason"]!));
        Assert.Equal(["rejected", "rate_limited"], rotations.GetMeasurementSnapshot().Select(m => (string)m.Tags["genresilience.reason"]!));
        Assert.Single(waits.GetMeasurementSnapshot());
        Assert.DoesNotContain(attempts.GetMeasurementSnapshot().SelectMany(m => m.Tags.Values), v => v?.ToString()?.Contains("test-key", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Classifier_CustomDialect_ErrorInsideA200BodyIsRetriedAsRateLimit()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.Classifier = new EnvelopeClassifier();
            o.RateLimitDelay = TimeSpan.FromSeconds(7);
        });
        h.Simulator.On(HttpMethod.Post, "/m").Reply(
            SimulatedResponse.Ok("{\"error\":\"429 You exceeded your current quota\",\"output\":null}"),
            SimulatedResponse.Ok("{\"error\":null,\"output\":\"https://cdn.example.com/1.png\"}"));

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post("/m"));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(7));
        h.Time.Advance(TimeSpan.FromSeconds(7));
        using HttpResponseMessage response = await call.Bounded();

        Assert.Contains("cdn.example.com", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, h.Simulator.Requests.Count);
    }

    [Fact]
    public async Task OptionsReload_LiftsQuarantines()
    {
        IConfigurationRoot monitor = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["R:ApiKeys:0"] = "test-key-aaaa-1111" })
            .Build();
        using var simulator = ProviderSimulator.Start();
        simulator.On(HttpMethod.Get, "/m").Reply(SimulatedResponse.Unauthorized(), SimulatedResponse.Ok());
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new TrackingTimeProvider());
        services.AddHttpClient("R", c => c.BaseAddress = simulator.BaseAddress).AddGenerationResilience(monitor.GetSection("R"));
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("R");

        await Assert.ThrowsAsync<GenerationException>(() => client.GetAsync("/m").Bounded());
        await Assert.ThrowsAsync<GenerationException>(() => client.GetAsync("/m").Bounded());
        Assert.Single(simulator.Requests);

        monitor["R:RejectedKeyCooldown"] = "00:20:00";
        monitor.Reload();
        using HttpResponseMessage response = await client.GetAsync("/m").Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, simulator.Requests.Count);
    }

    [Fact]
    public async Task Logs_RequestThatRecoversFromA503A429AndA401_WritesOneWarningForTheRejectedKey()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = ["test-key-aaaa-1111", "test-key-bbbb-2222"]);
        h.Simulator.On(HttpMethod.Post, "/m", "test-key-aaaa-1111").Reply(SimulatedResponse.Status(503), SimulatedResponse.Unauthorized());
        h.Simulator.On(HttpMethod.Post, "/m", "test-key-bbbb-2222").Reply(SimulatedResponse.RateLimited(TimeSpan.FromSeconds(1)), SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post("/m"));
        await h.RunUntilAsync(call);
        using HttpResponseMessage response = await call;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, h.Simulator.Requests.Count);
        string[] warnings = [.. h.Logs.GetSnapshot().Where(r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(r => r.Id.Name ?? r.Message)];
        Assert.Equal(["KeyRejected"], warnings);
    }

    [Fact]
    public async Task ClassifierCancelledByTheCaller_DisposesTheResponse()
    {
        var content = new DisposalTrackingContent();
        var handler = new LambdaHandler((request, call, ct) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = content }));
        using var cancel = new CancellationTokenSource();
        using var h = PipelineHarness.Create(
            o => o.Classifier = new WaitingClassifier(cancel),
            client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Client.SendAsync(PipelineHarness.Post("/m"), cancel.Token).Bounded());

        Assert.True(content.Disposed);
    }

    private sealed class DisposalTrackingContent : StringContent
    {
        public DisposalTrackingContent()
            : base("{}")
        {
        }

        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    /// <summary>Reads the body slowly: the caller cancels while it does.</summary>
    private sealed class WaitingClassifier(CancellationTokenSource caller) : GenerationOutcomeClassifier
    {
        public override async ValueTask<GenerationOutcomeKind> ClassifyAsync(HttpResponseMessage response, GenerationResilienceOptions options, CancellationToken cancellationToken)
        {
            await caller.CancelAsync();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return GenerationOutcomeKind.Success;
        }
    }

    /// <summary>Bytez-style: failures arrive inside a 200 envelope.</summary>
    private sealed class EnvelopeClassifier : GenerationOutcomeClassifier
    {
        public override async ValueTask<GenerationOutcomeKind> ClassifyAsync(HttpResponseMessage response, GenerationResilienceOptions options, CancellationToken cancellationToken)
        {
            GenerationOutcomeKind kind = await base.ClassifyAsync(response, options, cancellationToken);
            if (kind != GenerationOutcomeKind.Success)
            {
                return kind;
            }

            // ReadAsStringAsync buffers the body (LoadIntoBufferAsync), so the caller can still read it;
            // unlike LoadIntoBufferAsync(CancellationToken), it takes the token on .NET 8 as well.
            using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return body.RootElement.TryGetProperty("error", out JsonElement error) && error.GetString() is { } text && text.StartsWith("429", StringComparison.Ordinal)
                ? GenerationOutcomeKind.RateLimited
                : GenerationOutcomeKind.Success;
        }
    }
}
