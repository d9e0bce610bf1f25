using GenResilience.Testing;
using static GenResilience.Tests.Providers.UseApi.UseApiHarness;

namespace GenResilience.Tests.Providers.UseApi;

public class UseApiEmergencyTests
{
    private const string VeoCreate = "/v1/ltxstudio/videos/veo-create";

    private static UseApiVideoRequest Veo3 => new() { Prompt = "a fox running through a forest", Model = UseApiModel.Veo3 };

    [Fact]
    public async Task GenerateVideoAsync_VeoDownThenBack_RunsOnLtxTurboWhileDownAndGoesBackToVeoByItself()
    {
        using var h = Create(o => o.EmergencyBreakDuration = TimeSpan.FromMinutes(2), simulator: s => s.StartOutage(522, only: [VeoCreate]));

        // Two VEO requests fail after their retries and are served by the fallback; the second opens VEO's circuit.
        UseApiVideoResult first = await h.RunAsync(h.Client.GenerateVideoAsync(Veo3));
        UseApiVideoResult second = await h.RunAsync(h.Client.GenerateVideoAsync(Veo3));
        int veoCreatesWhileFailing = h.Simulator.RequestsUnder(VeoCreate).Count;

        // While the circuit is open, VEO is not even tried.
        UseApiVideoResult third = await h.RunAsync(h.Client.GenerateVideoAsync(Veo3));
        UseApiHealth degraded = h.Client.Health;

        Assert.All([first, second, third], r =>
        {
            Assert.True(r.UsedFallback);
            Assert.Equal(UseApiModel.LtxvTurbo, r.Model);
            Assert.Equal(UseApiModel.Veo3, r.RequestedModel);
            Assert.Contains(r.Warnings, w => w.Contains("LTX Turbo", StringComparison.Ordinal));
        });
        Assert.Equal(8, veoCreatesWhileFailing);
        Assert.Equal(veoCreatesWhileFailing, h.Simulator.RequestsUnder(VeoCreate).Count);
        Assert.Equal(["ltxv-turbo", "ltxv-turbo", "ltxv-turbo"], h.Simulator.Jobs.Select(j => j.Model));
        Assert.Equal(UseApiFamilyState.Degraded, degraded[UseApiModelFamily.Veo].State);
        Assert.Contains("522", degraded[UseApiModelFamily.Veo].LastError, StringComparison.Ordinal);
        Assert.Equal(UseApiFamilyState.Healthy, degraded[UseApiModelFamily.Ltx].State);
        Assert.False(degraded.IsHealthy);
        Assert.Single(h.Messages("UseApiVeoDegraded"));

        // VEO comes back; after the break, a trial VEO call succeeds and VEO requests go to VEO again.
        h.Simulator.EndOutage();
        h.Time.Advance(TimeSpan.FromMinutes(2));
        UseApiVideoResult back = await h.RunAsync(h.Client.GenerateVideoAsync(Veo3));
        UseApiVideoResult after = await h.RunAsync(h.Client.GenerateVideoAsync(Veo3));

        Assert.All([back, after], r =>
        {
            Assert.False(r.UsedFallback);
            Assert.Equal(UseApiModel.Veo3, r.Model);
            Assert.Empty(r.Warnings);
        });
        Assert.Equal(UseApiFamilyState.Healthy, h.Client.Health[UseApiModelFamily.Veo].State);
        Assert.True(h.Client.Health.IsHealthy);
        Assert.Single(h.Messages("UseApiVeoRecovered"));
    }

    [Fact]
    public async Task GenerateVideoAsync_VeoDownWithFallbackOff_FailsWithServiceUnavailable()
    {
        using var h = Create(o => o.EnableEmergencyFallback = false, simulator: s => s.StartOutage(522, only: [VeoCreate]));

        GenerationException error = await h.FailsAsync(h.Client.GenerateVideoAsync(Veo3));

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Empty(h.Simulator.Jobs);
        Assert.Equal(UseApiFamilyState.Degraded, h.Client.Health[UseApiModelFamily.Veo].State);
    }

    [Fact]
    public async Task GenerateVideoAsync_VeoRefusesTheRequest_IsNotAnOutageAndDoesNotFallBack()
    {
        using var h = Create(simulator: s => s.Server.On(HttpMethod.Post, VeoCreate).Reply(SimulatedResponse.Json(422, "{\"error\":\"The prompt was moderated\",\"code\":422}")));

        GenerationException error = await h.FailsAsync(h.Client.GenerateVideoAsync(Veo3));

        Assert.Equal(GenerationErrorKind.ContentRejected, error.Kind);
        Assert.Empty(h.Simulator.Jobs);
        Assert.True(h.Client.Health.IsHealthy);
    }
}
