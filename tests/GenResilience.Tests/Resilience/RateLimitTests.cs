using System.Net;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;

namespace GenResilience.Tests.Resilience;

public class RateLimitTests
{
    private const string Path = "/models/v2/stabilityai/sdxl";
    private const string KeyA = "test-key-aaaa-1111";
    private const string KeyB = "test-key-bbbb-2222";

    [Fact]
    public async Task SendAsync_429WithRetryAfterSeconds_WaitsExactlyThatLong()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA]);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.RateLimited(TimeSpan.FromSeconds(30)), SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(30));
        h.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Single(h.Simulator.Requests);
        h.Time.Advance(TimeSpan.FromSeconds(1));

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, h.Simulator.Requests.Count);
        Assert.Equal(["Bytez image: rate limited (429) on API key …1111; the key cools down for 30s (Retry-After 30s)"], h.Warnings("KeyRateLimited"));
    }

    [Fact]
    public async Task SendAsync_NoServerErrorRetriesAndNoKeys_429IsStillRetried()
    {
        using var h = PipelineHarness.Create(o => o.RetryDelays = []);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.RateLimited(TimeSpan.FromSeconds(3)), SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(3));
        h.Time.Advance(TimeSpan.FromSeconds(3));

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, h.Simulator.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_429WithRetryAfterHttpDate_WaitsUntilThatDate()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA]);
        DateTimeOffset retryAt = h.Time.GetUtcNow() + TimeSpan.FromSeconds(45);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.RateLimitedUntil(retryAt), SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(45));
        h.Time.Advance(TimeSpan.FromSeconds(44));
        Assert.Single(h.Simulator.Requests);
        h.Time.Advance(TimeSpan.FromSeconds(1));

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SendAsync_RetryAfterAboveMaxRetryAfter_IsCapped()
    {
        using var h = PipelineHarness.Create(o => o.MaxRetryAfter = TimeSpan.FromSeconds(20));
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.RateLimited(TimeSpan.FromHours(1)), SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(20));
        h.Time.Advance(TimeSpan.FromSeconds(20));

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SendAsync_429sWithoutRetryAfter_WaitRateLimitDelayTimesConsecutive429s()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA]);
        h.Simulator.On(HttpMethod.Post, Path).Reply(
            SimulatedResponse.RateLimited(), SimulatedResponse.RateLimited(), SimulatedResponse.RateLimited(), SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Simulator.WaitForRequestsAsync(1);
        await h.StepThroughWaitsAsync(2, 4, 6);

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SendAsync_RateLimitBudgetSpent_ReturnsThe429AndItBecomesRateLimitedError()
    {
        using var h = PipelineHarness.Create(o => o.MaxRateLimitRetries = 1);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.RateLimited(TimeSpan.FromSeconds(10)));

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(10));
        h.Time.Advance(TimeSpan.FromSeconds(10));

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(2, h.Simulator.Requests.Count);

        GenerationException error = await GenerationException.FromResponseAsync(response);
        Assert.Equal(GenerationErrorKind.RateLimited, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(10), error.RetryAfter);
        Assert.Equal(2, error.Attempts);
        Assert.Equal("The service is busy; please try again in 10 seconds.", error.UserMessage);
        Assert.Contains("MaxRateLimitRetries", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_RateLimitRetries_DoNotUseServerErrorBudget()
    {
        using var h = PipelineHarness.Create(o => o.RetryDelays = [TimeSpan.FromSeconds(5)]);
        h.Simulator.On(HttpMethod.Post, Path).Reply(
            SimulatedResponse.RateLimited(TimeSpan.FromSeconds(1)),
            SimulatedResponse.RateLimited(TimeSpan.FromSeconds(1)),
            SimulatedResponse.Status(503),
            SimulatedResponse.RateLimited(TimeSpan.FromSeconds(1)),
            SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        foreach (int seconds in new[] { 1, 1, 5, 1 })
        {
            await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(seconds));
            h.Time.Advance(TimeSpan.FromSeconds(seconds));
        }

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, h.Simulator.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_429OnOneKey_SwitchesToFreeKeyAtOnce()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA, KeyB]);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());
        h.Simulator.On(HttpMethod.Post, Path, KeyA).Reply(SimulatedResponse.RateLimited(TimeSpan.FromSeconds(60)));

        // The clock never moves: a request that waited for the cooldown would never finish.
        using HttpResponseMessage first = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();
        using HttpResponseMessage second = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal([KeyA, KeyB, KeyB], h.Simulator.Requests.Select(r => r.ApiKey));
    }

    [Fact]
    public async Task SendAsync_RetryAfterBeyondTotalTimeout_FailsAtOnceWithTimeToComeBack()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.TotalTimeout = TimeSpan.FromSeconds(60);
            o.AttemptTimeout = TimeSpan.FromSeconds(30);
        });
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.RateLimited(TimeSpan.FromSeconds(90)), SimulatedResponse.Ok());

        // The clock never moves: the failure must come without waiting.
        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded());

        Assert.Equal(GenerationErrorKind.RateLimited, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(90), error.RetryAfter);
        Assert.Equal(429, error.StatusCode);
        Assert.Equal(1, error.Attempts);
        Assert.Single(h.Simulator.Requests);
        Assert.Contains("try again in 1m30s", error.Message, StringComparison.Ordinal);
        Assert.Equal("The service is busy; please try again in 2 minutes.", error.UserMessage);
    }

    [Fact]
    public async Task SendAsync_PerRequestTotalTimeout_BoundsTheRateLimitWait()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.RateLimited(TimeSpan.FromSeconds(30)), SimulatedResponse.Ok());
        HttpRequestMessage request = PipelineHarness.Post(Path);
        request.SetTotalTimeout(TimeSpan.FromSeconds(10));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.SendAsync(request).Bounded());

        Assert.Equal(GenerationErrorKind.RateLimited, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_CallerCancelsDuringCooldownWait_ThrowsOperationCanceled()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.RateLimited(TimeSpan.FromSeconds(45)), SimulatedResponse.Ok());
        using var cts = new CancellationTokenSource();

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path), cts.Token);
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(45));
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Bounded());
        Assert.Single(h.Simulator.Requests);
    }
}
