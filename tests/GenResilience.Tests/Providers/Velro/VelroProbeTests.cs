using GenResilience.Testing;
using GenResilience.Tests.Helpers;

namespace GenResilience.Tests.Providers.Velro;

/// <summary>
/// ProbeAsync / DiagnoseAsync: the checks of the "503 errors" report, in order, each with a verdict.
/// </summary>
public class VelroProbeTests
{
    private static readonly string[] Endpoints =
    [
        "GET /health (connectivity)",
        "GET /api/v1/auth/me (token …0001)",
        "GET /api/v1/generations/models/supported",
        "GET /api/v1/auth/me without a token",
        "POST /api/v1/generations (dry run, multipart)",
    ];

    [Fact]
    public async Task ProbeAsync_HealthyService_EveryRowOkInTheReportsOrder()
    {
        using var h = VelroHarness.Create();

        ProviderProbeResult result = await h.Client.ProbeAsync().Bounded();

        Assert.Equal("Velro", result.Provider);
        Assert.True(result.IsHealthy, result.ToString());
        Assert.Equal(Endpoints, result.Rows.Select(r => r.Endpoint));
        Assert.Equal([200, 200, 200, 401, 400], result.Rows.Select(r => r.StatusCode));
        Assert.Contains("balance 10000 credits", result.Rows[1].Detail, StringComparison.Ordinal);
        Assert.Contains("7 models (3 image, 4 video)", result.Rows[2].Detail, StringComparison.Ordinal);
        Assert.Contains("nothing was generated", result.Rows[4].Detail, StringComparison.Ordinal);
        VelroSimulatedCreate dryRun = Assert.Single(h.Creates);
        Assert.True(dryRun.IsMultipart);
        Assert.Null(dryRun.GenerationId);
        Assert.Equal(10_000, h.Velro.CreditsBalance);
        Assert.Null(h.Velro.RequestsTo(VelroSimulator.HealthPath)[0].ApiKey);
        IReadOnlyList<SimulatedRequest> me = h.Velro.RequestsTo(VelroSimulator.CurrentUserPath);
        Assert.Null(me[^1].ApiKey);
    }

    [Fact]
    public async Task DiagnoseAsync_CreateAnswers422_DryRunRowIsMisconfiguredAndSaysWhy()
    {
        using var h = VelroHarness.Create(velro: v => v.DropFormFields = true);

        ProviderProbeResult result = await h.Client.DiagnoseAsync().Bounded();

        Assert.Equal(Endpoints, result.Rows.Select(r => r.Endpoint));
        Assert.Equal([ProbeVerdict.Ok, ProbeVerdict.Ok, ProbeVerdict.Ok, ProbeVerdict.Ok, ProbeVerdict.Misconfigured], result.Rows.Select(r => r.Verdict));
        ProviderProbeRow dryRun = result.Rows[4];
        Assert.Equal(422, dryRun.StatusCode);
        Assert.Contains("well-formed multipart form", dryRun.Detail, StringComparison.Ordinal);
        Assert.Contains("it is not a 503", dryRun.Detail, StringComparison.Ordinal);
        Assert.Equal(ProbeVerdict.Misconfigured, result.Verdict);
        Assert.False(result.IsHealthy);
    }

    [Fact]
    public async Task ProbeAsync_ExpiredToken_TokenRowIsAnAuthProblemThatSaysSignInAgain()
    {
        using var h = VelroHarness.Create(velro: v => v.RejectToken(VelroHarness.Token));

        ProviderProbeResult result = await h.Client.ProbeAsync().Bounded();

        ProviderProbeRow token = result.Rows[1];
        Assert.Equal(401, token.StatusCode);
        Assert.Equal(ProbeVerdict.AuthProblem, token.Verdict);
        Assert.Contains("Sign in again", token.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(VelroHarness.Token, result.ToString(), StringComparison.Ordinal);
        Assert.Equal(ProbeVerdict.AuthProblem, result.Verdict);
    }

    [Fact]
    public async Task ProbeAsync_ServiceDown_RowsAreOutages()
    {
        using var h = VelroHarness.Create();
        h.Velro.Server.On(HttpMethod.Get, VelroSimulator.HealthPath).Reply(SimulatedResponse.Status(503, "upstream connect error"));
        h.Velro.Server.On(HttpMethod.Get, VelroSimulator.ModelsPath).Reply(SimulatedResponse.Json(503, "{\"detail\":\"AI models list temporarily unavailable. Please try again later.\"}"));

        ProviderProbeResult result = await h.Client.ProbeAsync().Bounded();

        Assert.Equal(ProbeVerdict.Outage, result.Rows[0].Verdict);
        Assert.Equal(ProbeVerdict.Outage, result.Rows[2].Verdict);
        Assert.Contains("AI models list temporarily unavailable", result.Rows[2].Detail, StringComparison.Ordinal);
        Assert.Single(h.Velro.RequestsTo(VelroSimulator.ModelsPath));
        Assert.Equal(ProbeVerdict.Outage, result.Verdict);
    }

    [Fact]
    public async Task ProbeAsync_SlowRegistry_ItsRowShowsHowLongItTook()
    {
        using var h = VelroHarness.Create();
        using var plain = new HttpClient { BaseAddress = h.Velro.BaseAddress };
        string registry = await plain.GetStringAsync(VelroSimulator.ModelsPath).Bounded();
        h.Velro.Server.On(HttpMethod.Get, VelroSimulator.ModelsPath).Handle(_ =>
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(1500));
            return SimulatedResponse.Ok(registry);
        });

        ProviderProbeResult result = await h.Client.ProbeAsync().Bounded();

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMilliseconds(1500), TimeSpan.Zero, TimeSpan.Zero], result.Rows.Select(r => r.Latency));
        Assert.True(result.IsHealthy, result.ToString());
        Assert.Contains("GET /api/v1/generations/models/supported: 200 in 1500ms, Ok", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_TwoTokens_OneRowPerToken()
    {
        using var h = VelroHarness.Create(o => o.ApiKeys = [VelroHarness.Token, VelroHarness.SecondToken], v => v.RejectToken(VelroHarness.SecondToken));

        ProviderProbeResult result = await h.Client.ProbeAsync().Bounded();

        Assert.Equal("GET /api/v1/auth/me (token …0001)", result.Rows[1].Endpoint);
        Assert.Equal(ProbeVerdict.Ok, result.Rows[1].Verdict);
        Assert.Equal("GET /api/v1/auth/me (token …0002)", result.Rows[2].Endpoint);
        Assert.Equal(ProbeVerdict.AuthProblem, result.Rows[2].Verdict);
        Assert.Equal(6, result.Rows.Count);
    }
}
