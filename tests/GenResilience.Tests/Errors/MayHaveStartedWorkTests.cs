using System.Net;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using GenResilience.Tests.Providers.Velro;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Tests.Errors;

/// <summary>
/// <see cref="GenerationException.MayHaveStartedWork"/> tells a caller (and a failover) whether sending the request
/// again may start a second paid job: only a create that may have reached the service, or a job whose wait failed.
/// </summary>
public class MayHaveStartedWorkTests
{
    private const string Path = "/v1/ltxstudio/videos/veo-create";

    [Fact]
    public async Task FromResponseAsync_PostMetAmbiguousStatusAndWasNotRetried_MayHaveStartedWork()
    {
        using var h = PipelineHarness.Create(o => o.RetryNonIdempotentAfterAmbiguousFailure = false);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Status(504));

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();
        GenerationException error = await GenerationException.FromResponseAsync(response);

        Assert.True(error.MayHaveStartedWork);
    }

    [Fact]
    public async Task FromResponseAsync_PostMetOnlyCloudflareOriginUnreachable_MayNotHaveStartedWork()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.CloudflareError(522));

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.RunUntilAsync(call);
        using HttpResponseMessage response = await call;
        GenerationException error = await GenerationException.FromResponseAsync(response);

        Assert.Equal(522, error.StatusCode);
        Assert.Equal(4, error.Attempts);
        Assert.False(error.MayHaveStartedWork);
    }

    [Fact]
    public async Task FromResponseAsync_PostMetAmbiguousStatusOnAnEarlierAttemptThen522_StillMayHaveStartedWork()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(
            SimulatedResponse.Status(504),
            SimulatedResponse.CloudflareError(522),
            SimulatedResponse.CloudflareError(522),
            SimulatedResponse.CloudflareError(522));

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.RunUntilAsync(call);
        using HttpResponseMessage response = await call;
        GenerationException error = await GenerationException.FromResponseAsync(response);

        Assert.Equal(522, error.StatusCode);
        Assert.True(error.MayHaveStartedWork);
    }

    [Fact]
    public async Task FromResponseAsync_GetMetAmbiguousStatus_MayNotHaveStartedWork()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Get, "/v1/ltxstudio/assets/job-1").Reply(SimulatedResponse.Status(504));

        Task<HttpResponseMessage> call = h.Client.GetAsync(new Uri("/v1/ltxstudio/assets/job-1", UriKind.Relative));
        await h.RunUntilAsync(call);
        using HttpResponseMessage response = await call;
        GenerationException error = await GenerationException.FromResponseAsync(response);

        Assert.False(error.MayHaveStartedWork);
    }

    [Fact]
    public async Task FromResponseAsync_PostMarkedSafeToRepeat_MayNotHaveStartedWork()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Status(504));
        HttpRequestMessage request = PipelineHarness.Post(Path);
        request.SetRetryAfterAmbiguousFailure(true);

        Task<HttpResponseMessage> call = h.Client.SendAsync(request);
        await h.RunUntilAsync(call);
        using HttpResponseMessage response = await call;
        GenerationException error = await GenerationException.FromResponseAsync(response);

        Assert.False(error.MayHaveStartedWork);
    }

    [Fact]
    public async Task FromResponseAsync_PostRefusedWith400_MayNotHaveStartedWork()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Json(400, "{\"error\":\"prompt is required\"}"));

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();
        GenerationException error = await GenerationException.FromResponseAsync(response);

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        Assert.False(error.MayHaveStartedWork);
    }

    [Fact]
    public async Task SendAsync_PostTimesOut_MayHaveStartedWork()
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
        Assert.True(error.MayHaveStartedWork);
    }

    [Fact]
    public async Task SendAsync_PostCutShortByTheTotalTimeout_MayHaveStartedWork()
    {
        var handler = new LambdaHandler(async (request, call, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        using var h = PipelineHarness.Create(client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));
        HttpRequestMessage request = PipelineHarness.Post(Path);
        request.SetTotalTimeout(TimeSpan.FromSeconds(20));

        Task<HttpResponseMessage> call = h.Client.SendAsync(request);
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(20));
        h.Time.Advance(TimeSpan.FromSeconds(20));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => call.Bounded());
        Assert.Equal(GenerationErrorKind.Timeout, error.Kind);
        Assert.True(error.MayHaveStartedWork);
    }

    [Fact]
    public async Task GenerateAsync_PollsKeepFailingAfterTheCreate_MayHaveStartedWork()
    {
        using var h = VelroHarness.Create(velro: v => v.FailNext(HttpMethod.Get, VelroSimulator.GenerationsPath, 4));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.RunAsync(h.Client.GenerateAsync(VelroHarness.Image())));

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Single(h.Creates);
        Assert.True(error.MayHaveStartedWork);
    }

    [Fact]
    public async Task GenerateAsync_JobFailedAtTheProvider_MayNotHaveStartedWork()
    {
        using var h = VelroHarness.Create(velro: v => v.FailNextGeneration());

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.RunAsync(h.Client.GenerateAsync(VelroHarness.Image())));

        Assert.Equal(GenerationErrorKind.JobFailed, error.Kind);
        Assert.False(error.MayHaveStartedWork);
    }

    [Fact]
    public async Task GenerateAsync_JobNeverFinishes_MayHaveStartedWork()
    {
        using var h = VelroHarness.Create(o => o.JobTimeout = TimeSpan.FromSeconds(30), v => v.PollsUntilDone = int.MaxValue);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.RunAsync(h.Client.GenerateAsync(VelroHarness.Image())));

        Assert.Equal(GenerationErrorKind.Timeout, error.Kind);
        Assert.True(error.MayHaveStartedWork);
    }

    [Fact]
    public async Task GenerateAsync_VelroCreateKeepsMeeting503_MayHaveStartedWork()
    {
        using var h = VelroHarness.Create(velro: v => v.FailNextCreates(4, 503));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.RunAsync(h.Client.GenerateAsync(VelroHarness.Video())));

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.True(error.MayHaveStartedWork);
    }

    [Fact]
    public async Task GenerateAsync_CreateRefusedForWantOfCredits_MayNotHaveStartedWork()
    {
        using var h = VelroHarness.Create(velro: v => v.CreditsBalance = 0);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.RunAsync(h.Client.GenerateAsync(VelroHarness.Video())));

        Assert.Equal(GenerationErrorKind.InsufficientCredits, error.Kind);
        Assert.False(error.MayHaveStartedWork);
    }
}
