using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using GenResilience.Tests.Providers.Bytez;
using GenResilience.Tests.Providers.UseApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GenResilience.Tests.HealthChecks;

public class GenerationClientsHealthCheckTests
{
    private const string LtxCreate = "/v1/ltxstudio/videos/ltx-create";
    private const string VeoCreate = "/v1/ltxstudio/videos/veo-create";
    private const string FlowCreate = "/v1/google-flow/videos";

    private static UseApiVideoRequest Veo3 => new() { Prompt = "a fox running through a forest", Model = UseApiModel.Veo3 };

    [Fact]
    public async Task CheckHealthAsync_BytezAndVelroConfigured_OneHealthyCheckPerConfiguredProvider()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddLogging();
        services.AddGenerationClients(o =>
        {
            o.Bytez = new BytezClientOptions { ApiKeys = ["test-key-bytez-0001", "test-key-bytez-0002"] };
            o.Velro = new VelroClientOptions { BaseAddress = new Uri("https://velro.example.test/"), ApiKeys = ["test-velro-token-0001"] };
        });
        services.AddHealthChecks().AddGenerationClientsHealthChecks();
        using ServiceProvider provider = services.BuildServiceProvider(validateScopes: true);

        HealthReport report = await CheckAsync(provider);

        Assert.Equal(["genresilience-bytez", "genresilience-velro"], report.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(HealthStatus.Healthy, report.Status);
        HealthReportEntry bytez = report.Entries["genresilience-bytez"];
        Assert.Equal("Bytez: 2 of 2 API keys ready.", bytez.Description);
        Assert.Equal(
            new Dictionary<string, object>
            {
                ["provider"] = "Bytez",
                ["key.…0001"] = "ready",
                ["key.…0002"] = "ready",
                ["keys.total"] = 2,
                ["keys.usable"] = 2,
                ["keys.quarantined"] = 0,
                ["keys.cooling_down"] = 0,
                ["keys.trial"] = 0,
            },
            bytez.Data);
        Assert.Equal("Velro: 1 of 1 API key ready.", report.Entries["genresilience-velro"].Description);
    }

    [Fact]
    public async Task CheckHealthAsync_OneUseApiTokenRejectedWith401_DegradedWithThatTokenQuarantinedByFingerprint()
    {
        using var h = UseApiHarness.Create(
            tokens: [UseApiHarness.Token1, UseApiHarness.Token2],
            simulator: s => s.RejectToken(UseApiHarness.Token1),
            services: s => s.AddHealthChecks().AddGenerationClientsHealthChecks());
        DateTimeOffset rejectedAt = h.Time.GetUtcNow();
        await h.RunAsync(h.Client.GenerateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));
        int requests = h.Simulator.Requests.Count;

        HealthReport report = await CheckAsync(h.Services);

        HealthReportEntry entry = Assert.Single(report.Entries).Value;
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("UseApi: 1 of 2 API keys quarantined after the service rejected them, 1 usable.", entry.Description);
        Assert.Equal("quarantined: rejected with 401, until " + Iso(rejectedAt + TimeSpan.FromMinutes(10)), entry.Data["key.…0001"]);
        Assert.Equal("ready", entry.Data["key.…0002"]);
        Assert.Equal(1, entry.Data["keys.quarantined"]);
        Assert.Equal(false, entry.Data["useapi.emergency_mode"]);
        Assert.Equal(requests, h.Simulator.Requests.Count);
        AssertNoSecret(report, UseApiHarness.Token1, UseApiHarness.Token2);
    }

    [Fact]
    public async Task CheckHealthAsync_EveryUseApiTokenRejected_UnhealthyNamingTheSettingToFix()
    {
        using var h = UseApiHarness.Create(
            simulator: s => s.RejectToken(UseApiHarness.Token1),
            services: s => s.AddHealthChecks().AddGenerationClientsHealthChecks());
        await h.FailsAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));

        HealthReport report = await CheckAsync(h.Services);

        HealthReportEntry entry = report.Entries["genresilience-useapi"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal(
            "UseApi: no usable API key: all 1 are quarantined after the service rejected them; fix GenerationClients:UseApi:ApiKeys (or the USEAPI_API_TOKEN environment variable).",
            entry.Description);
        Assert.Equal(0, entry.Data["keys.usable"]);
        AssertNoSecret(report, UseApiHarness.Token1);
    }

    [Fact]
    public async Task CheckHealthAsync_OneBytezKeyRevoked_DegradedWithTheTagsItWasRegisteredWith()
    {
        using var h = BytezHarness.Create(
            keys: [BytezHarness.Key1, BytezHarness.Key2],
            simulator: s => s.WithKey(BytezHarness.Key1, BytezKeyState.Unauthorized).WithKey(BytezHarness.Key2),
            services: s => s.AddHealthChecks().AddGenerationClientsHealthChecks(failureStatus: null, tags: ["ready"]));

        await h.Client.GenerateImageAsync(BytezSimulator.ImageModel, "a red fox").Bounded();
        HealthReportEntry degraded = (await CheckAsync(h.Services)).Entries["genresilience-bytez"];

        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal(["ready"], degraded.Tags);
        Assert.StartsWith("quarantined: rejected with 403, until ", (string)degraded.Data["key.…0001"], StringComparison.Ordinal);
        Assert.Equal("ready", degraded.Data["key.…0002"]);
        AssertNoSecret(new HealthReport(new Dictionary<string, HealthReportEntry> { ["bytez"] = degraded }, TimeSpan.Zero), BytezHarness.Key1, BytezHarness.Key2);
    }

    [Fact]
    public async Task CheckHealthAsync_EveryBytezKeyRevokedWithFailureStatusDegraded_ReportsDegradedWithTheReason()
    {
        using var h = BytezHarness.Create(
            simulator: s => s.WithKey(BytezHarness.Key1, BytezKeyState.Unauthorized),
            services: s => s.AddHealthChecks().AddGenerationClientsHealthChecks(HealthStatus.Degraded, tags: null));

        await Assert.ThrowsAsync<GenerationException>(() => h.Client.GenerateImageAsync(BytezSimulator.ImageModel, "a red fox")).Bounded();
        HealthReportEntry entry = (await CheckAsync(h.Services)).Entries["genresilience-bytez"];

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.StartsWith("Bytez: no usable API key: all 1 are quarantined", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_KeyCoolingDownAfterA429_DegradedUntilTheCooldownEndsThenHealthyAndPaced()
    {
        using var h = BytezHarness.Create(services: s => s.AddHealthChecks().AddGenerationClientsHealthChecks());
        h.Simulator.Script(BytezSimulator.ImageModel, BytezSimulator.RateLimited());

        Task<string> call = h.Client.GenerateImageAsync(BytezSimulator.ImageModel, "a red fox");
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(2));
        HealthReportEntry cooling = (await CheckAsync(h.Services)).Entries["genresilience-bytez"];
        h.Time.Advance(TimeSpan.FromSeconds(2));
        await call.Bounded();
        HealthReportEntry after = (await CheckAsync(h.Services)).Entries["genresilience-bytez"];

        Assert.Equal(HealthStatus.Degraded, cooling.Status);
        Assert.Equal(
            "Bytez: every usable API key is cooling down after a 429, until " + Iso(h.Time.GetUtcNow()) + " at the latest; requests wait.",
            cooling.Description);
        Assert.Equal("cooling_down: after a 429, until " + Iso(h.Time.GetUtcNow()) + ", 1 waiting", cooling.Data["key.…0001"]);
        Assert.Equal(1, cooling.Data["keys.cooling_down"]);
        Assert.Equal(HealthStatus.Healthy, after.Status);
        Assert.StartsWith("ready: paced at ", (string)after.Data["key.…0001"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_VeoOutage_DegradedInEmergencyModeThenHealthyOnceVeoIsBack()
    {
        using var h = UseApiHarness.Create(
            o => o.EmergencyBreakDuration = TimeSpan.FromMinutes(2),
            simulator: s => s.StartOutage(522, only: [VeoCreate]),
            services: s => s.AddHealthChecks().AddGenerationClientsHealthChecks());

        UseApiVideoResult served = await h.RunAsync(h.Client.GenerateVideoAsync(Veo3));
        HealthReportEntry emergency = (await CheckAsync(h.Services)).Entries["genresilience-useapi"];

        Assert.True(served.UsedFallback);
        Assert.Equal(HealthStatus.Degraded, emergency.Status);
        Assert.Equal("UseApi: emergency mode: VEO is failing, VEO requests run on LTX Turbo.", emergency.Description);
        Assert.Equal(true, emergency.Data["useapi.emergency_mode"]);
        Assert.StartsWith("degraded: since ", (string)emergency.Data["useapi.family.veo"], StringComparison.Ordinal);
        Assert.Contains("522", (string)emergency.Data["useapi.family.veo"], StringComparison.Ordinal);
        Assert.Equal("healthy", emergency.Data["useapi.family.ltx"]);

        h.Simulator.EndOutage();
        h.Time.Advance(TimeSpan.FromMinutes(2));
        UseApiVideoResult back = await h.RunAsync(h.Client.GenerateVideoAsync(Veo3));
        HealthReportEntry healthy = (await CheckAsync(h.Services)).Entries["genresilience-useapi"];

        Assert.False(back.UsedFallback);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal("UseApi: 1 of 1 API key ready.", healthy.Description);
        Assert.Equal(false, healthy.Data["useapi.emergency_mode"]);
    }

    [Fact]
    public async Task CheckHealthAsync_EveryUseApiFamilyFailing_Unhealthy()
    {
        using var h = UseApiHarness.Create(
            simulator: s => s.StartOutage(522, only: [LtxCreate, VeoCreate, FlowCreate]),
            services: s => s.AddHealthChecks().AddGenerationClientsHealthChecks());

        await h.FailsAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox", Model = UseApiModel.Ltxv }));
        await h.FailsAsync(h.Client.GenerateVideoAsync(Veo3));
        await h.FailsAsync(h.Client.CreateFlowVideoAsync(new UseApiVideoRequest { Prompt = "a fox", Model = UseApiModel.Veo31Fast }));
        HealthReportEntry entry = (await CheckAsync(h.Services)).Entries["genresilience-useapi"];

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("UseApi: every model family (LTX, VEO, Flow) is failing.", entry.Description);
    }

    [Fact]
    public void AddGenerationClientsHealthChecks_CalledTwice_RegistersEachCheckOnce()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddGenerationClients(o => o.Bytez = new BytezClientOptions { ApiKeys = ["test-key-bytez-0001"] });
        services.AddHealthChecks().AddGenerationClientsHealthChecks().AddGenerationClientsHealthChecks();
        using ServiceProvider provider = services.BuildServiceProvider();

        HealthCheckServiceOptions options = provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value;

        HealthCheckRegistration registration = Assert.Single(options.Registrations);
        Assert.Equal("genresilience-bytez", registration.Name);
        Assert.Equal(HealthStatus.Unhealthy, registration.FailureStatus);
        Assert.Empty(registration.Tags);
    }

    [Fact]
    public void AddGenerationClientsHealthChecks_WithoutAddGenerationClients_SaysWhatToCall()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHealthChecks().AddGenerationClientsHealthChecks();
        using ServiceProvider provider = services.BuildServiceProvider();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value);

        Assert.Equal("AddGenerationClientsHealthChecks() checks the clients of AddGenerationClients(): call services.AddGenerationClients() too.", error.Message);
    }

    private static async Task<HealthReport> CheckAsync(IServiceProvider services)
        => await services.GetRequiredService<HealthCheckService>().CheckHealthAsync().Bounded();

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static void AssertNoSecret(HealthReport report, params string[] keys)
    {
        IEnumerable<string> text = report.Entries.SelectMany(e =>
            new[] { e.Key, e.Value.Description ?? string.Empty }.Concat(e.Value.Data.Select(d => d.Key + "=" + d.Value)));
        Assert.All(text, t => Assert.All(keys, key => Assert.DoesNotContain(key, t, StringComparison.Ordinal)));
    }
}
