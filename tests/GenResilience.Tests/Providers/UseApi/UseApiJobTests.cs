using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using static GenResilience.Tests.Providers.UseApi.UseApiHarness;

namespace GenResilience.Tests.Providers.UseApi;

public class UseApiJobTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task GenerateVideoAsync_JobProgresses_ReportsEachChangeInOrderAndPollsEveryInterval()
    {
        using var h = Create(simulator: s => s.PollsUntilDone = 3);
        var progress = new RecordingProgress();

        UseApiVideoResult result = await h.RunAsync(h.Client.GenerateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }, progress));

        Assert.Equal(
            [("active", 5), ("active", 35), ("active", 65), ("completed", 100)],
            progress.Reports.Select(p => (p.Status, p.Percent ?? -1)));
        Assert.Equal([TimeSpan.Zero, Poll, 2 * Poll, 3 * Poll], progress.Reports.Select(p => p.Elapsed));
        Assert.All(progress.Reports, p => Assert.Equal(result.JobId, p.JobId));
        SimulatedRequest[] polls = [.. h.Simulator.RequestsUnder("/v1/ltxstudio/assets/")];
        Assert.Equal(4, polls.Length);
        Assert.All(polls.Zip(polls.Skip(1)), pair => Assert.Equal(Poll, pair.Second.ReceivedAt - pair.First.ReceivedAt));
    }

    [Theory]
    [InlineData(UseApiJobEnding.CompletedBeforeAssetUrl)]
    [InlineData(UseApiJobEnding.AssetUrlBeforeCompleted)]
    public async Task WaitForCompletionAsync_CompletedAndAssetUrlOutOfSync_KeepsPollingUntilBoth(UseApiJobEnding ending)
    {
        using var h = Create(simulator: s => s.PollsUntilDone = 1);
        h.Simulator.EndNextJobs(ending);
        UseApiJob job = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));

        UseApiJobStatus done = await h.RunAsync(h.Client.WaitForCompletionAsync(job));

        Assert.True(done.IsCompleted);
        Assert.NotNull(done.AssetUrl);
        Assert.Equal(3, h.Simulator.RequestsUnder("/v1/ltxstudio/assets/").Count);
    }

    [Fact]
    public async Task WaitForCompletionAsync_JobFails_JobFailedWithTheServiceMessage()
    {
        using var h = Create();
        h.Simulator.EndNextJobs(UseApiJobEnding.Failed);

        GenerationException error = await h.FailsAsync(h.Client.GenerateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));

        Assert.Equal(GenerationErrorKind.JobFailed, error.Kind);
        Assert.Contains("rejected by moderation", error.Message, StringComparison.Ordinal);
        Assert.Contains(h.Simulator.Jobs[0].JobId, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForCompletionAsync_404WhilePolling_JobExpiredAfterOneRequest()
    {
        using var h = Create();
        h.Simulator.EndNextJobs(UseApiJobEnding.Expired);

        GenerationException error = await h.FailsAsync(h.Client.GenerateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));

        Assert.Equal(GenerationErrorKind.JobExpired, error.Kind);
        Assert.Equal(404, error.StatusCode);
        Assert.Equal(404, h.Simulator.RequestsUnder("/v1/ltxstudio/assets/")[^1].Response.StatusCode);
        Assert.Equal(3, h.Simulator.RequestsUnder("/v1/ltxstudio/assets/").Count);
    }

    [Fact]
    public async Task WaitForCompletionAsync_522WhilePolling_RetriedAndTheJobIsNotLost()
    {
        using var h = Create();
        UseApiJob job = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));
        h.Simulator.FailNext(2, 522, "/v1/ltxstudio/assets/");

        UseApiJobStatus done = await h.RunAsync(h.Client.WaitForCompletionAsync(job.JobId));

        Assert.True(done.IsCompleted);
        Assert.Equal([522, 522, 200, 200, 200], h.Simulator.RequestsUnder("/v1/ltxstudio/assets/").Select(r => r.Response.StatusCode));
    }

    [Fact]
    public async Task WaitForCompletionAsync_JobOutlastsJobTimeout_TimeoutThatSaysTheJobMayStillFinish()
    {
        using var h = Create(o => o.JobTimeout = TimeSpan.FromMinutes(1), simulator: s => s.PollsUntilDone = 1000);
        UseApiJob job = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));

        GenerationException error = await h.FailsAsync(h.Client.WaitForCompletionAsync(job));

        Assert.Equal(GenerationErrorKind.Timeout, error.Kind);
        Assert.Contains("did not finish within 1m", error.Message, StringComparison.Ordinal);
        Assert.Contains("GenerationClients:UseApi:JobTimeout", error.Message, StringComparison.Ordinal);
        Assert.InRange(h.Simulator.RequestsUnder("/v1/ltxstudio/assets/").Count, 6, 7);
    }

    [Fact]
    public async Task WaitForCompletionAsync_CancelledDuringAPollWait_EndsAtOnce()
    {
        using var h = Create(simulator: s => s.PollsUntilDone = 1000);
        UseApiJob job = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));
        using var cancel = new CancellationTokenSource();

        Task<UseApiJobStatus> wait = h.Client.WaitForCompletionAsync(job, cancellationToken: cancel.Token);
        await h.Time.WaitForTimerAsync(Poll);
        DateTimeOffset before = h.Time.GetUtcNow();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait).Bounded();
        Assert.Equal(before, h.Time.GetUtcNow());
        Assert.Single(h.Simulator.RequestsUnder("/v1/ltxstudio/assets/"));
    }

    [Fact]
    public async Task GetJobAsync_UnknownJob_JobExpired()
    {
        using var h = Create();

        GenerationException error = await h.FailsAsync(h.Client.GetJobAsync("email:a@example.com:00000000-0000-0000-0000-000000000000-type:video"));

        Assert.Equal(GenerationErrorKind.JobExpired, error.Kind);
        Assert.Contains("Start a new generation", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UseApiFlowResultShape.Operations)]
    [InlineData(UseApiFlowResultShape.Media)]
    public async Task GenerateVideoAsync_GoogleFlow_UnderstandsBothResultShapes(UseApiFlowResultShape shape)
    {
        using var h = Create(simulator: s => s.FlowResultShape = shape);
        var progress = new RecordingProgress();

        UseApiVideoResult result = await h.RunAsync(h.Client.GenerateVideoAsync(new UseApiVideoRequest { Prompt = "a fox", Model = UseApiModel.Parse("Veo 3.1 Fast"), AspectRatio = "9:16" }, progress));

        SimulatedRequest create = Assert.Single(h.Creates);
        Assert.Equal("/v1/google-flow/videos", create.Path);
        Assert.Contains("\"async\":true", create.BodyText, StringComparison.Ordinal);
        Assert.Contains("\"model\":\"veo-3.1-fast\"", create.BodyText, StringComparison.Ordinal);
        Assert.Contains("\"aspectRatio\":\"portrait\"", create.BodyText, StringComparison.Ordinal);
        Assert.EndsWith("-bot:google-flow", result.JobId, StringComparison.Ordinal);
        Assert.StartsWith("https://storage.example.com/videos/", result.AssetUrl.ToString(), StringComparison.Ordinal);
        Assert.Equal("completed", progress.Reports[^1].Status);
        Assert.Equal(3, h.Simulator.RequestsUnder("/v1/google-flow/jobs/").Count);
    }

    [Fact]
    public async Task CreateFlowVideoAsync_429Then503_WaitsAsTheDocsAdviseAndStartsOneJob()
    {
        using var h = Create();
        h.Simulator.Server.On(HttpMethod.Post, "/v1/google-flow/videos").Reply(
            SimulatedResponse.Json(429, "{\"error\":\"Too many requests\",\"code\":429}"),
            SimulatedResponse.Json(503, "{\"error\":\"Service unavailable\",\"code\":503}"),
            SimulatedResponse.Ok("{\"jobid\":\"j1-bot:google-flow\",\"status\":\"created\"}"));

        UseApiJob job = await h.RunAsync(h.Client.CreateFlowVideoAsync(new UseApiVideoRequest { Prompt = "a fox", Model = UseApiModel.Veo31Fast }));

        Assert.Equal("j1-bot:google-flow", job.JobId);
        DateTimeOffset[] sent = [.. h.Creates.Select(r => r.ReceivedAt)];
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)], [sent[1] - sent[0], sent[2] - sent[1]]);
    }

    [Fact]
    public async Task WaitForCompletionAsync_GoogleFlowJobFails_JobFailed()
    {
        using var h = Create();
        h.Simulator.EndNextJobs(UseApiJobEnding.Failed);

        GenerationException error = await h.FailsAsync(h.Client.GenerateVideoAsync(new UseApiVideoRequest { Prompt = "a fox", Model = UseApiModel.Veo31Quality }));

        Assert.Equal(GenerationErrorKind.JobFailed, error.Kind);
    }

    [Fact]
    public async Task CreateVideoAsync_CreateTimesOutAfterTheJobStarted_AdoptsTheJobInsteadOfStartingASecond()
    {
        using var h = Create(simulator: s => s.TimeOutNextCreatesAfterStarting(1));

        UseApiJob job = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));

        UseApiSimulatedJob started = Assert.Single(h.Simulator.Jobs);
        Assert.Equal(started.JobId, job.JobId);
        Assert.True(job.Adopted);
        Assert.Equal(started.ReplyRef, job.ReplyRef);
        Assert.Single(h.Creates);
        Assert.Single(h.Messages("UseApiJobAdopted"));
    }

    [Fact]
    public async Task CreateVideoAsync_EachLogicalCreate_SendsItsOwnReplyRef()
    {
        using var h = Create();

        UseApiJob one = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "one" }));
        UseApiJob two = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "two" }));

        Assert.NotEqual(one.ReplyRef, two.ReplyRef);
        Assert.Equal([one.ReplyRef, two.ReplyRef], h.Simulator.Jobs.Select(j => j.ReplyRef));
    }

    private sealed class RecordingProgress : IProgress<GenerationProgress>
    {
        private readonly List<GenerationProgress> _reports = [];

        public IReadOnlyList<GenerationProgress> Reports
        {
            get
            {
                lock (_reports)
                {
                    return [.. _reports];
                }
            }
        }

        public void Report(GenerationProgress value)
        {
            lock (_reports)
            {
                _reports.Add(value);
            }
        }
    }
}
