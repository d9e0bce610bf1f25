using System.Diagnostics;
using System.Net;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using GenResilience.Tests.Providers.Bytez;

namespace GenResilience.Tests.Diagnostics;

public class TracingTests
{
    private const string Path = "/models/v2/stabilityai/sdxl";
    private const string KeyA = "test-key-aaaa-1111";
    private const string KeyB = "test-key-bbbb-2222";

    [Fact]
    public async Task SendAsync_RejectedKeyThen522Then429_OneActivityWithAnEventForEachRotationRetryAndWait()
    {
        using var traces = new ActivityCollector();
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA, KeyB]);
        h.Simulator.On(HttpMethod.Post, Path, KeyA).Reply(SimulatedResponse.Unauthorized());
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.CloudflareError(522), SimulatedResponse.RateLimited(TimeSpan.FromSeconds(3)), SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(3));
        h.Time.Advance(TimeSpan.FromSeconds(3));
        using HttpResponseMessage response = await call.Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Activity activity = Assert.Single(traces.Activities);
        Assert.Equal("GenResilience", activity.Source.Name);
        Assert.Equal("GenResilience.Request", activity.OperationName);
        Assert.Equal("Bytez image", activity.DisplayName);
        Assert.Equal(ActivityKind.Internal, activity.Kind);
        Assert.Equal(traces.Root.SpanId, activity.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Unset, activity.Status);
        Assert.Equal(
            new Dictionary<string, object?>
            {
                ["genresilience.provider"] = "Bytez",
                ["genresilience.operation"] = "image",
                ["http.request.method"] = "POST",
                ["genresilience.attempts"] = 4,
                ["genresilience.outcome"] = "success",
                ["http.response.status_code"] = 200,
            },
            activity.TagObjects.ToDictionary(t => t.Key, t => t.Value));
        Assert.Equal(
            [
                "genresilience.key_rotation genresilience.key=…1111 genresilience.reason=rejected genresilience.cooldown=600 http.response.status_code=401",
                "genresilience.retry genresilience.attempt=1 genresilience.reason=key_rejected genresilience.delay=0",
                "genresilience.retry genresilience.attempt=2 genresilience.reason=server_error genresilience.delay=5",
                "genresilience.key_rotation genresilience.key=…2222 genresilience.reason=rate_limited genresilience.cooldown=3 http.response.status_code=429",
                "genresilience.retry genresilience.attempt=3 genresilience.reason=rate_limited genresilience.delay=0",
                "genresilience.rate_limit_wait genresilience.key=…2222 genresilience.reason=cooldown genresilience.wait=3",
            ],
            activity.Events.Select(Describe));
        Assert.DoesNotContain(Everything(activity), text => text.Contains("test-key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_EveryRetryFails_ActivityIsAnErrorWithTheKindTheLastStatusAndEveryRetry()
    {
        using var traces = new ActivityCollector();
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(
            SimulatedResponse.CloudflareError(522), SimulatedResponse.Status(500), SimulatedResponse.Status(502), SimulatedResponse.CloudflareError(523));

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Simulator.WaitForRequestsAsync(1);
        await h.StepThroughWaitsAsync(5, 15, 30);
        using HttpResponseMessage response = await call.Bounded();

        Assert.Equal(523, (int)response.StatusCode);
        Activity activity = Assert.Single(traces.Activities);
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        Assert.Equal("ServiceUnavailable", activity.GetTagItem("error.type"));
        Assert.Equal("server_error", activity.GetTagItem("genresilience.outcome"));
        Assert.Equal(4, activity.GetTagItem("genresilience.attempts"));
        Assert.Equal(523, activity.GetTagItem("http.response.status_code"));
        Assert.Equal([5.0, 15.0, 30.0], activity.Events.Select(e => (double)e.Tags.First(t => t.Key == "genresilience.delay").Value!));
    }

    [Fact]
    public async Task SendAsync_EveryKeyRejected_ActivityCarriesUnauthorizedAndTheMessageWithoutAKey()
    {
        using var traces = new ActivityCollector();
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA, KeyB]);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Unauthorized());

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded());

        Activity activity = Assert.Single(traces.Activities);
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        Assert.Equal(error.Message, activity.StatusDescription);
        Assert.Equal("Unauthorized", activity.GetTagItem("error.type"));
        Assert.Equal(2, activity.GetTagItem("genresilience.attempts"));
        Assert.Equal(["rejected", "rejected"], activity.Events.Where(e => e.Name == "genresilience.key_rotation").Select(e => e.Tags.First(t => t.Key == "genresilience.reason").Value));
        Assert.DoesNotContain(Everything(activity), text => text.Contains("test-key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_FinalRefusal_OneAttemptAndTheKindTheClassifierGivesTheStatus()
    {
        using var traces = new ActivityCollector();
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Json(422, "{\"error\":\"prompt too long\"}"));

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        Activity activity = Assert.Single(traces.Activities);
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        Assert.Equal("InvalidRequest", activity.GetTagItem("error.type"));
        Assert.Equal("failure", activity.GetTagItem("genresilience.outcome"));
        Assert.Equal(1, activity.GetTagItem("genresilience.attempts"));
        Assert.Empty(activity.Events);
    }

    [Fact]
    public async Task GenerateImageAsync_BytezClient_TheImageActivityNamesTheModel()
    {
        using var traces = new ActivityCollector();
        using var h = BytezHarness.Create();

        string url = await h.Client.GenerateImageAsync(BytezSimulator.ImageModel, "a red fox").Bounded();

        Assert.StartsWith("https://", url, StringComparison.Ordinal);
        Activity image = traces.Only("image");
        Assert.Equal(BytezSimulator.ImageModel, image.GetTagItem("genresilience.model"));
        Assert.Equal("Bytez", image.GetTagItem("genresilience.provider"));
        Assert.Equal("success", image.GetTagItem("genresilience.outcome"));
        Assert.All(traces.Activities, a => Assert.Equal(traces.Root.SpanId, a.ParentSpanId));
    }

    private static string Describe(ActivityEvent e)
        => e.Name + string.Concat(e.Tags.Select(t => " " + t.Key + "=" + Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture)));

    private static IEnumerable<string> Everything(Activity activity)
        => activity.TagObjects.Select(t => t.Key + "=" + t.Value)
            .Concat(activity.Events.Select(Describe))
            .Append(activity.DisplayName)
            .Append(activity.StatusDescription ?? string.Empty);
}
