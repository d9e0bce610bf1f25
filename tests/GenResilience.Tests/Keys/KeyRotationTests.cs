using System.Net;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;

namespace GenResilience.Tests.Keys;

public class KeyRotationTests
{
    private const string Path = "/models/v2/stabilityai/sdxl";
    private const string KeyA = "test-key-aaaa-1111";
    private const string KeyB = "test-key-bbbb-2222";
    private const string KeyC = "test-key-cccc-3333";

    [Fact]
    public async Task SendAsync_KeyARevoked_OneRejectionThenEveryRequestUsesB()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA, KeyB]);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());
        h.Simulator.On(HttpMethod.Post, Path, KeyA).Reply(SimulatedResponse.Unauthorized());

        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal([KeyA, KeyB, KeyB, KeyB, KeyB, KeyB], h.Simulator.Requests.Select(r => r.ApiKey));
        Assert.Equal(["Bearer " + KeyA, "Bearer " + KeyB], h.Simulator.Requests.Take(2).Select(r => r.Headers["Authorization"]));
        Assert.Equal(["Bytez image: API key …1111 was rejected with 401; quarantined for 10m, 1 of 2 keys left"], h.Warnings("KeyRejected"));
    }

    [Fact]
    public async Task SendAsync_RejectedKey_IsRetriedAtOnceWithoutWaiting()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA, KeyB]);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());
        h.Simulator.On(HttpMethod.Post, Path, KeyA).Reply(SimulatedResponse.Unauthorized());

        // The clock never moves: a retry that waited would never finish.
        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, h.Simulator.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_EveryKeyRejected_ThrowsUnauthorizedNamingCountAndSetting_AndLaterRequestsAreNotSent()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA, KeyB, KeyC]);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Unauthorized());

        GenerationException first = await Assert.ThrowsAsync<GenerationException>(() => h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded());

        Assert.Equal(GenerationErrorKind.Unauthorized, first.Kind);
        Assert.Equal(3, first.Attempts);
        Assert.Equal(401, first.StatusCode);
        Assert.Equal("Bytez", first.Provider);
        Assert.Contains("All 3 API keys were rejected", first.Message, StringComparison.Ordinal);
        Assert.Contains("so the request was not sent again after 3 rejected attempts", first.Message, StringComparison.Ordinal);
        Assert.Contains("GenerationResilienceOptions.ApiKeys", first.Message, StringComparison.Ordinal);
        Assert.Equal("The service is being set up. Please try again in a few minutes.", first.UserMessage);

        GenerationException second = await Assert.ThrowsAsync<GenerationException>(() => h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded());
        Assert.Equal(GenerationErrorKind.Unauthorized, second.Kind);
        Assert.Equal(0, second.Attempts);
        Assert.Null(second.StatusCode);
        Assert.Contains("quarantined, so the request was not sent.", second.Message, StringComparison.Ordinal);
        Assert.Equal(3, h.Simulator.Requests.Count);
        Assert.Equal([KeyA, KeyB, KeyC], h.Simulator.Requests.Select(r => r.ApiKey));
    }

    [Fact]
    public async Task SendAsync_QuarantineCooldownPasses_KeyIsTriedAgain()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.ApiKeys = [KeyA];
            o.RejectedKeyCooldown = TimeSpan.FromMinutes(10);
        });
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Unauthorized(), SimulatedResponse.Ok());

        await Assert.ThrowsAsync<GenerationException>(() => h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded());
        h.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<GenerationException>(() => h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded());
        Assert.Single(h.Simulator.Requests);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, h.Simulator.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_NoKeysConfigured_SendsNoKeyAndA401IsFinal()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Unauthorized(), SimulatedResponse.Ok());

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        SimulatedRequest request = Assert.Single(h.Simulator.Requests);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task SendAsync_CustomHeaderAndBareKey_StampsHeaderAsConfigured()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.ApiKeys = [KeyA];
            o.ApiKeyHeaderName = "X-Api-Key";
            o.ApiKeyScheme = string.Empty;
        });
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        SimulatedRequest request = Assert.Single(h.Simulator.Requests);
        Assert.Equal(KeyA, request.Headers["X-Api-Key"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task SendAsync_KeySchemeKey_SendsAuthorizationKeyLikeBytez()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.ApiKeys = [KeyA];
            o.ApiKeyScheme = "Key";
        });
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        Assert.Equal("Key " + KeyA, Assert.Single(h.Simulator.Requests).Headers["Authorization"]);
    }

    [Fact]
    public async Task SendAsync_ServerErrorRetries_RotateKeysRoundRobin()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.ApiKeys = [KeyA, KeyB];
            o.RetryDelays = [TimeSpan.FromSeconds(1)];
        });
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Status(503), SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        using HttpResponseMessage response = await call.Bounded();

        Assert.Equal([KeyA, KeyB], h.Simulator.Requests.Select(r => r.ApiKey));
    }

    [Fact]
    public async Task SendAsync_EveryKeyOutOfCredits402_ThrowsInsufficientCredits()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.ApiKeys = [KeyA, KeyB];
            o.KeyRejectedStatusCodes = [401, 403, 402];
        });
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Json(402, "{\"status\":402,\"error\":\"Payment Required\"}"));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded());

        Assert.Equal(GenerationErrorKind.InsufficientCredits, error.Kind);
        Assert.Equal(402, error.StatusCode);
        Assert.Equal(2, h.Simulator.Requests.Count);
    }
}
