using System.Net;
using GenResilience.Keys.Internal;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;

namespace GenResilience.Tests.Keys;

/// <summary>A 403 about one request (a gated model) must not take the keys out of use.</summary>
public class RequestRefusalTests
{
    private const string Gated = "/models/v2/gated/model";
    private const string Open = "/models/v2/stabilityai/sdxl";
    private const string KeyA = "test-key-aaaa-1111";
    private const string KeyB = "test-key-bbbb-2222";
    private const string KeyC = "test-key-cccc-3333";

    private static PipelineHarness BytezLike()
    {
        PipelineHarness h = PipelineHarness.Create(o =>
        {
            o.ApiKeys = [KeyA, KeyB, KeyC];
            o.KeyRejectedStatusCodes = [401, 403, 402];
        });
        h.Simulator.On(HttpMethod.Post, Gated).Reply(SimulatedResponse.Json(403, "{\"error\":\"This model is not available on your plan\",\"output\":null}"));
        h.Simulator.On(HttpMethod.Post, Open).Reply(SimulatedResponse.Ok());
        return h;
    }

    [Fact]
    public async Task SendAsync_ForbiddenModelRefusedByTwoFreshKeys_StopsRotatingAndNoKeyStaysQuarantined()
    {
        using PipelineHarness h = BytezLike();

        using HttpResponseMessage refused = await h.Client.SendAsync(PipelineHarness.Post(Gated)).Bounded();

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(2, h.Simulator.RequestsTo(Gated).Count);
        GenerationException error = await GenerationException.FromResponseAsync(refused);
        Assert.Contains("the refusal is about the request", error.Message, StringComparison.Ordinal);
        Assert.Contains("This model is not available on your plan", error.Message, StringComparison.Ordinal);

        // Every key still works for everything else.
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage ok = await h.Client.SendAsync(PipelineHarness.Post(Open)).Bounded();
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        Assert.Equal([KeyA, KeyB, KeyC], h.Simulator.RequestsTo(Open).Select(r => r.ApiKey).Order());
        Assert.Single(h.Warnings("RequestRefusedByKeys"));
    }

    [Fact]
    public async Task SendAsync_ForbiddenModelAfterTheKeysWorked_NoKeyIsQuarantinedAtAll()
    {
        using PipelineHarness h = BytezLike();
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage ok = await h.Client.SendAsync(PipelineHarness.Post(Open)).Bounded();
        }

        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage refused = await h.Client.SendAsync(PipelineHarness.Post(Gated)).Bounded();
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.Empty(h.Warnings("KeyRejected"));
        Assert.Equal(6, h.Simulator.RequestsTo(Gated).Count);
    }

    [Fact]
    public async Task SendAsync_OneKeyOnly403_IsNotQuarantinedSoTheNextRequestStillGoesOut()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.ApiKeys = [KeyA];
            o.KeyRejectedStatusCodes = [401, 403];
        });
        h.Simulator.On(HttpMethod.Post, Gated).Reply(SimulatedResponse.Status(403));
        h.Simulator.On(HttpMethod.Post, Open).Reply(SimulatedResponse.Ok());

        using HttpResponseMessage refused = await h.Client.SendAsync(PipelineHarness.Post(Gated)).Bounded();
        using HttpResponseMessage ok = await h.Client.SendAsync(PipelineHarness.Post(Open)).Bounded();

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task SendAsync_401_KeepsItsMeaningAndQuarantinesEveryRefusingKey()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA, KeyB]);
        h.Simulator.On(HttpMethod.Post, Open).Reply(SimulatedResponse.Unauthorized());

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.SendAsync(PipelineHarness.Post(Open)).Bounded());

        Assert.Equal(GenerationErrorKind.Unauthorized, error.Kind);
        Assert.Equal(2, h.Warnings("KeyRejected").Count);
    }

    [Fact]
    public void RecordSuccess_AttemptStartedBeforeTheLast429_DoesNotEndThe429Streak()
    {
        var store = new InMemoryApiKeyStateStore();
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        store.RecordRateLimit("k", new GenerationRateLimitRecord { AttemptStartedAt = start, Now = start + TimeSpan.FromSeconds(1), RetryAfter = TimeSpan.FromSeconds(2), MaxCooldown = TimeSpan.FromMinutes(1) });

        store.RecordSuccess("k", attemptStartedAt: start);
        Assert.Equal(1, store.Get("k").ConsecutiveRateLimits);

        store.RecordSuccess("k", attemptStartedAt: start + TimeSpan.FromSeconds(3));
        Assert.Equal(0, store.Get("k").ConsecutiveRateLimits);
    }
}
