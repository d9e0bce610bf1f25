using System.Net;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace GenResilience.Tests.DependencyInjection;

/// <summary>
/// GenResilience next to what apps already configure: their own primary handler, header redaction, another
/// resilience handler, configuration reloads.
/// </summary>
public class EcosystemCompositionTests
{
    private const string Path = "/models/v2/stabilityai/sdxl";
    private const string Key = "test-key-secret-aaaa-1111";

    [Fact]
    public async Task TraceLogging_DefaultAuthorizationHeader_NeverShowsTheKey()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [Key], minimumLevel: LogLevel.Trace);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        Assert.Equal(Key, Assert.Single(h.Simulator.Requests).ApiKey);
        Assert.Contains(h.LogLines, line => line.Contains("Authorization", StringComparison.Ordinal));
        Assert.DoesNotContain(h.LogLines, line => line.Contains(Key[^8..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task TraceLogging_CustomKeyHeaderAndAppRedactsOnlyAuthorization_NeverShowsTheKey()
    {
        using var h = PipelineHarness.Create(
            o =>
            {
                o.ApiKeys = [Key];
                o.ApiKeyHeaderName = "X-Api-Key";
            },
            client: b => b.RedactLoggedHeaders(["Authorization"]),
            simulatorKeyHeader: "X-Api-Key",
            minimumLevel: LogLevel.Trace);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        Assert.Equal(Key, Assert.Single(h.Simulator.Requests).ApiKey);
        Assert.Contains(h.LogLines, line => line.Contains("X-Api-Key", StringComparison.Ordinal));
        Assert.DoesNotContain(h.LogLines, line => line.Contains(Key[^8..], StringComparison.Ordinal));
    }

    [Fact]
    public void ApiKeyScheme_Default_IsBearerForAuthorizationAndNoneForOtherHeaders()
    {
        var options = new GenerationResilienceOptions { ApiKeyHeaderName = "X-Api-Key" };

        Assert.Null(options.ApiKeyScheme);
    }

    [Fact]
    public async Task SendAsync_CustomKeyHeaderWithDefaultScheme_SendsTheBareKey()
    {
        using var h = PipelineHarness.Create(
            o =>
            {
                o.ApiKeys = [Key];
                o.ApiKeyHeaderName = "X-Api-Key";
            },
            simulatorKeyHeader: "X-Api-Key");
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        Assert.Equal(Key, Assert.Single(h.Simulator.Requests).Headers["X-Api-Key"]);
    }

    [Fact]
    public async Task PrimaryHandler_ConfiguredBeforeAddGenerationResilience_IsTheOneThatSends()
    {
        var counting = new CountingHandler();
        using var h = PipelineHarness.Create(
            o => o.ApiKeys = [Key],
            services: s => s.AddHttpClient(PipelineHarness.ClientName).ConfigurePrimaryHttpMessageHandler(() => counting));
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, counting.Sends);
    }

    [Fact]
    public void PrimaryHandler_AppSocketsHandlerConfiguredAfter_GetsTheConnectTimeoutAndKeepsItsOwnSettings()
    {
        var proxy = new WebProxy("http://127.0.0.1:9");
        var sockets = new SocketsHttpHandler { Proxy = proxy, UseProxy = true };
        using var h = PipelineHarness.Create(
            o =>
            {
                o.ApiKeys = [Key];
                o.ConnectTimeout = TimeSpan.FromSeconds(7);
            },
            client: b => b.ConfigurePrimaryHttpMessageHandler(() => sockets));

        using HttpMessageHandler chain = h.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(PipelineHarness.ClientName);

        Assert.Same(proxy, sockets.Proxy);
        Assert.Equal(TimeSpan.FromSeconds(7), sockets.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), sockets.PooledConnectionLifetime);
    }

    [Fact]
    public async Task Redirect_CustomKeyHeaderAndAppPrimaryHandlerConfiguredAfter_KeyNeverFollowsToAnotherHost()
    {
        using var other = ProviderSimulator.Start("X-Api-Key");
        other.On(HttpMethod.Get, "/stolen").Reply(SimulatedResponse.Ok());
        using var h = PipelineHarness.Create(
            o =>
            {
                o.ApiKeys = [Key];
                o.ApiKeyHeaderName = "X-Api-Key";
            },
            client: b => b.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler()),
            simulatorKeyHeader: "X-Api-Key");
        h.Simulator.On(HttpMethod.Get, "/go").Reply(SimulatedResponse.Status(302).WithHeader("Location", new Uri(other.BaseAddress, "/stolen").ToString()));

        using HttpResponseMessage response = await h.Client.GetAsync(new Uri("/go", UriKind.Relative)).Bounded();

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Empty(other.Requests);
    }

    [Fact]
    public void HandlerLifetime_DefaultPrimaryRecyclesItsOwnConnections_FactoryDoesNotRebuildItEveryTwoMinutes()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [Key]);

        using HttpMessageHandler chain = h.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(PipelineHarness.ClientName);

        Assert.Equal(Timeout.InfiniteTimeSpan, h.Services.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(PipelineHarness.ClientName).HandlerLifetime);
    }

    [Fact]
    public void AddGenerationResilience_TwiceOnOneClient_ThrowsAtRegistration()
    {
        var services = new ServiceCollection();
        IHttpClientBuilder builder = services.AddHttpClient("Images").AddGenerationResilience();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => builder.AddGenerationResilience());

        Assert.Contains("'Images' cannot have a second GenResilience pipeline", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddGenerationResilience_OnAProviderClient_ThrowsAndPointsToItsSettings()
    {
        var services = new ServiceCollection();
        services.AddGenerationClients(o => o.Bytez = new BytezClientOptions { ApiKeys = [Key] });

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(
            () => services.AddHttpClient(GenerationHttpClientNames.Bytez).AddGenerationResilience());

        Assert.Contains("GenerationClients:Bytez", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StandardResilienceHandlerOnTop_IsReportedAtStartWithTheFix()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("Images", c => c.BaseAddress = new Uri("https://api.example.com"))
            .AddGenerationResilience()
            .AddStandardResilienceHandler();
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("RemoveAllResilienceHandlers()", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Images'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandardResilienceHandlerFromClientDefaults_IsTakenOffTheProviderClients()
    {
        using var simulator = ProviderSimulator.Start();
        simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Status(503));
        var time = new TrackingTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddLogging();
        services.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler());
        services.AddGenerationClients(o => o.Bytez = new BytezClientOptions { BaseAddress = simulator.BaseAddress, ApiKeys = [Key] });
        using ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        HttpClient bytez = provider.GetRequiredService<IHttpClientFactory>().CreateClient(GenerationHttpClientNames.Bytez);

        Task<HttpResponseMessage> call = bytez.SendAsync(PipelineHarness.Post(Path));
        foreach (int delay in new[] { 5, 15, 30 })
        {
            await time.WaitForTimerAsync(TimeSpan.FromSeconds(delay));
            time.Advance(TimeSpan.FromSeconds(delay));
        }

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(4, simulator.RequestsTo(Path).Count);
    }

    [Fact]
    public async Task Reload_ToInvalidOptions_KeepsTheLastValidOptionsAndLogsOnce()
    {
        var source = new Dictionary<string, string?> { ["Images:ApiKeys:0"] = Key, ["Images:MaxRateLimitRetries"] = "3" };
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(source).Build();
        using var simulator = ProviderSimulator.Start();
        simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddHttpClient("Images", c => c.BaseAddress = simulator.BaseAddress).AddGenerationResilience(configuration.GetSection("Images"));
        using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("Images");
        using (HttpResponseMessage before = await client.SendAsync(PipelineHarness.Post(Path)).Bounded())
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        configuration["Images:MaxRateLimitRetries"] = "-5";
        configuration.Reload();

        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage after = await client.SendAsync(PipelineHarness.Post(Path)).Bounded();
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }

        Assert.All(simulator.Requests, r => Assert.Equal(Key, r.ApiKey));
        FakeLogRecord rejected = Assert.Single(provider.GetFakeLogCollector().GetSnapshot(), r => r.Id.Name == "ReloadRejected");
        Assert.Contains("MaxRateLimitRetries", rejected.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, rejected.Message, StringComparison.Ordinal);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        private int _sends;

        public int Sends => Volatile.Read(ref _sends);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sends);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
        }
    }
}
