using System.Net;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Tests.Resilience;

/// <summary>
/// A create call starts a paid job: with RetryNonIdempotentAfterAmbiguousFailure off, a POST is retried only when the
/// failure proves the request never reached the service.
/// </summary>
public class PaidRequestTests
{
    private const string Path = "/v1/ltxstudio/videos/veo-create";

    [Theory]
    [InlineData(504)]
    [InlineData(524)]
    [InlineData(500)]
    public async Task SendAsync_PostMeetsAmbiguousStatusWithRetriesOff_IsSentOnceAndSaysWhy(int status)
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.RetryNonIdempotentAfterAmbiguousFailure = false;
            o.RetryStatusCodes = [500, 502, 503, 504, 522, 523, 524];
        });
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.CloudflareError(status), SimulatedResponse.Ok());

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Single(h.Simulator.Requests);
        string line = Assert.Single(h.Warnings("AmbiguousFailureNotRetried"));
        Assert.Contains("RetryNonIdempotentAfterAmbiguousFailure", line, StringComparison.Ordinal);
        Assert.Contains("SetRetryAfterAmbiguousFailure(true)", line, StringComparison.Ordinal);

        GenerationException error = await GenerationException.FromResponseAsync(response);
        Assert.Contains("It was not retried: the request may have reached the service", error.Message, StringComparison.Ordinal);
        Assert.Contains("RetryNonIdempotentAfterAmbiguousFailure", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(522)]
    [InlineData(523)]
    public async Task SendAsync_PostMeetsCloudflareOriginUnreachableWithRetriesOff_IsRetried(int status)
    {
        using var h = PipelineHarness.Create(o => o.RetryNonIdempotentAfterAmbiguousFailure = false);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.CloudflareError(status), SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Simulator.WaitForRequestsAsync(1);
        await h.StepThroughWaitsAsync(5);

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SendAsync_GetMeets504WithRetriesOff_IsRetried()
    {
        using var h = PipelineHarness.Create(o => o.RetryNonIdempotentAfterAmbiguousFailure = false);
        h.Simulator.On(HttpMethod.Get, "/v1/ltxstudio/assets/job-1").Reply(SimulatedResponse.Status(504), SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.GetAsync(new Uri("/v1/ltxstudio/assets/job-1", UriKind.Relative));
        await h.Simulator.WaitForRequestsAsync(1);
        await h.StepThroughWaitsAsync(5);

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SendAsync_PostMeets504ByDefault_IsRetriedAsUsersAsked()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Status(504), SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Simulator.WaitForRequestsAsync(1);
        await h.StepThroughWaitsAsync(5);

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SetRetryAfterAmbiguousFailure_False_OverridesTheClientDefault()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Status(504), SimulatedResponse.Ok());
        HttpRequestMessage request = PipelineHarness.Post(Path);
        request.SetRetryAfterAmbiguousFailure(false);

        using HttpResponseMessage response = await h.Client.SendAsync(request).Bounded();

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Single(h.Simulator.Requests);
    }

    [Fact]
    public async Task SetRetryAfterAmbiguousFailure_True_RetriesAPostTheClientWouldNot()
    {
        using var h = PipelineHarness.Create(o => o.RetryNonIdempotentAfterAmbiguousFailure = false);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Status(504), SimulatedResponse.Ok());
        HttpRequestMessage request = PipelineHarness.Post(Path);
        request.SetRetryAfterAmbiguousFailure(true);

        Task<HttpResponseMessage> call = h.Client.SendAsync(request);
        await h.Simulator.WaitForRequestsAsync(1);
        await h.StepThroughWaitsAsync(5);

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SendAsync_PostTimesOutWithRetriesOff_FailsAfterOneAttempt()
    {
        var handler = new LambdaHandler(async (request, call, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        using var h = PipelineHarness.Create(
            o =>
            {
                o.RetryNonIdempotentAfterAmbiguousFailure = false;
                o.AttemptTimeout = TimeSpan.FromSeconds(30);
            },
            client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(30));
        h.Time.Advance(TimeSpan.FromSeconds(30));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => call.Bounded());
        Assert.Equal(GenerationErrorKind.Timeout, error.Kind);
        Assert.Equal(1, error.Attempts);
        Assert.Contains("It was not retried", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task SendAsync_PostConnectionRefusedWithRetriesOff_IsRetriedBecauseNothingWasSent()
    {
        var handler = new LambdaHandler((request, call, ct) => call == 1
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused")
            : LambdaHandler.Status(request, 200));
        using var h = PipelineHarness.Create(o => o.RetryNonIdempotentAfterAmbiguousFailure = false, client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        h.Time.Advance(TimeSpan.FromSeconds(5));

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, handler.Calls);
    }

    [Fact]
    public async Task SendAsync_PostConnectionDroppedAfterSendingWithRetriesOff_IsNotRetried()
    {
        var handler = new LambdaHandler((request, call, ct) => call == 1
            ? throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.")
            : LambdaHandler.Status(request, 200));
        using var h = PipelineHarness.Create(o => o.RetryNonIdempotentAfterAmbiguousFailure = false, client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));

        await Assert.ThrowsAsync<HttpRequestException>(() => h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded());

        Assert.Equal(1, handler.Calls);
        Assert.Single(h.Warnings("AmbiguousFailureNotRetried"));
    }

    [Fact]
    public async Task SendAsync_ConnectTimeout_IsRetriedEvenForAPostAndBecomesServiceUnavailableWhenFinal()
    {
        var handler = new LambdaHandler((request, call, ct) => throw new TaskCanceledException("The connect timed out.", new TimeoutException()));
        using var h = PipelineHarness.Create(o => o.RetryNonIdempotentAfterAmbiguousFailure = false, client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        foreach (int delay in new[] { 5, 15, 30 })
        {
            await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(delay));
            h.Time.Advance(TimeSpan.FromSeconds(delay));
        }

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => call.Bounded());
        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal(4, error.Attempts);
        Assert.Equal(4, handler.Calls);
        Assert.Contains("ConnectTimeout", error.Message, StringComparison.Ordinal);
        Assert.IsType<TaskCanceledException>(error.InnerException);
    }

    [Fact]
    public async Task SendAsync_EmptyRetryDelays_ServerErrorIsNotRetried()
    {
        using var h = PipelineHarness.Create(o => o.RetryDelays = []);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Status(503), SimulatedResponse.Ok());

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(h.Simulator.Requests);
    }
}
