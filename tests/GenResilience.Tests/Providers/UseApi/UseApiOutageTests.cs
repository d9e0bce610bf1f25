using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using static GenResilience.Tests.Providers.UseApi.UseApiHarness;

namespace GenResilience.Tests.Providers.UseApi;

/// <summary>The outage report this client exists for: Cloudflare 522/523 on every endpoint but assets, for hours.</summary>
public class UseApiOutageTests
{
    private static readonly string[] AllButAssets = ["/v1/ltxstudio/assets"];

    [Fact]
    public async Task GenerateVideoAsync_522Twice_RetriesAfter5sAnd15sLogsEachRetryAndTheJobCompletes()
    {
        using var h = Create(simulator: s => s.FailNext(2, 522, "/v1/ltxstudio/videos/"));

        UseApiVideoResult result = await h.RunAsync(h.Client.GenerateVideoAsync(new UseApiVideoRequest { Prompt = "a fox in the snow", Model = UseApiModel.LtxvTurbo }));

        DateTimeOffset[] sent = [.. h.Creates.Select(r => r.ReceivedAt)];
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)], [sent[1] - sent[0], sent[2] - sent[1]]);
        Assert.Equal(
            ["UseApi LTX Turbo: server error 522, retrying in 5s (attempt 1/3)", "UseApi LTX Turbo: server error 522, retrying in 15s (attempt 2/3)"],
            h.Messages("RetryingAfterFailure"));
        UseApiSimulatedJob job = Assert.Single(h.Simulator.Jobs);
        Assert.Equal(job.JobId, result.JobId);
        Assert.Equal(UseApiModel.LtxvTurbo, result.Model);
        Assert.False(result.UsedFallback);
        Assert.StartsWith("https://storage.example.com/videos/", result.AssetUrl.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateVideoAsync_522OnEveryAttempt_ServiceUnavailableAfter4AttemptsWithAFriendlyMessageAndNoToken()
    {
        using var h = Create(simulator: s => s.StartOutage(522, except: AllButAssets));

        GenerationException error = await h.FailsAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox", Model = UseApiModel.Ltxv }));

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal(4, error.Attempts);
        Assert.Equal(522, error.StatusCode);
        Assert.Equal(4, h.Creates.Count);
        Assert.Empty(h.Simulator.Jobs);
        Assert.Contains("try again", error.UserMessage, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<html", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.All(
            [error.Message, error.UserMessage, error.ToString(), .. h.LogLines],
            text => Assert.DoesNotContain(Token1, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateVideoAsync_OutageThatEndsOnTheClock_TheRetryAfterItsEndSucceeds()
    {
        using var h = Create(simulator: s => s.StartOutage(523, TimeSpan.FromSeconds(19), except: AllButAssets));

        UseApiJob job = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox", Model = UseApiModel.LtxvTurbo }));

        // 523 at 0 s and 5 s (the key check at 0 s met it too), then the retry at 20 s finds the service back.
        Assert.Equal(3, h.Creates.Count);
        Assert.Equal(job.JobId, Assert.Single(h.Simulator.Jobs).JobId);
        Assert.All(h.Messages("RetryingAfterFailure"), m => Assert.Contains("server error 523", m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProbeAsync_522EverywhereButAssets_OutageRowsAndAssetsOk()
    {
        using var h = Create(simulator: s => s.StartOutage(522, except: AllButAssets));

        ProviderProbeResult probe = await h.Client.ProbeAsync().Bounded();

        Assert.Equal(["account", "LTX", "VEO", "Flow", "assets"], probe.Rows.Select(r => r.Endpoint.Split(':')[0]));
        Assert.Equal(
            [ProbeVerdict.Outage, ProbeVerdict.Outage, ProbeVerdict.Outage, ProbeVerdict.Outage, ProbeVerdict.Ok],
            probe.Rows.Select(r => r.Verdict));
        Assert.Equal([522, 522, 522, 522, 200], probe.Rows.Select(r => r.StatusCode));
        Assert.Equal(ProbeVerdict.Outage, probe.Verdict);
        Assert.False(probe.IsHealthy);

        // One request per row (after the token's key check): a probe is not retried.
        Assert.Equal(["/v2/account", "/v2/account", "/v1/ltxstudio/videos/ltx-create", "/v1/ltxstudio/videos/veo-create", "/v1/google-flow/videos", "/v1/ltxstudio/assets/"], h.Simulator.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task ProbeAsync_HealthyService_EveryRowOkIncludingTheCreateEndpointsThatRefuseAGet()
    {
        using var h = Create();

        ProviderProbeResult probe = await h.Client.ProbeAsync().Bounded();

        Assert.True(probe.IsHealthy, probe.ToString());
        Assert.Equal([200, 405, 405, 405, 200], probe.Rows.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task ProbeAsync_RevokedToken_AuthProblemRows()
    {
        using var h = Create(simulator: s => s.RejectToken(Token1));

        ProviderProbeResult probe = await h.Client.ProbeAsync().Bounded();

        Assert.All(probe.Rows, r => Assert.Equal(ProbeVerdict.AuthProblem, r.Verdict));
    }
}
