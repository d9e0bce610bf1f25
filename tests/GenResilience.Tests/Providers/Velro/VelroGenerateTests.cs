using GenResilience.Testing;
using GenResilience.Tests.Helpers;

namespace GenResilience.Tests.Providers.Velro;

/// <summary>
/// GenerateAsync: create, then poll with the shared poller every PollInterval until the generation is done.
/// </summary>
public class VelroGenerateTests
{
    [Fact]
    public async Task GenerateAsync_Simulator_PollsPendingProcessingCompletedAndReturnsTheOutputUrls()
    {
        using var h = VelroHarness.Create();
        var progress = new ProgressRecorder();
        VelroGenerationRequest request = VelroHarness.Image();
        request.NumImages = 2;

        VelroGeneration done = await h.RunAsync(h.Client.GenerateAsync(request, progress));

        Assert.Equal(VelroGenerationStatus.Completed, done.Status);
        Assert.Equal(2, done.OutputUrls.Count);
        Assert.All(done.OutputUrls, url => Assert.StartsWith("https://v3.fal.media/files/simulated/" + done.Id, url, StringComparison.Ordinal));
        Assert.Equal(done.OutputUrls[0], done.MediaUrl);
        Assert.Equal(["pending", "processing", "completed"], progress.Reports.Select(p => p.Status));
        Assert.All(progress.Reports, p => Assert.Equal(done.Id, p.JobId));

        SimulatedRequest create = Assert.Single(h.Velro.RequestsTo(VelroSimulator.GenerationsPath));
        IReadOnlyList<SimulatedRequest> polls = h.Velro.RequestsTo(VelroSimulator.GenerationsPath + "/" + done.Id);
        Assert.Equal(2, polls.Count);
        Assert.Equal(TimeSpan.FromSeconds(3), polls[0].ReceivedAt - create.ReceivedAt);
        Assert.Equal(TimeSpan.FromSeconds(3), polls[1].ReceivedAt - polls[0].ReceivedAt);
    }

    [Fact]
    public async Task GenerateAsync_PollIntervalSet_WaitsThatLongBetweenPolls()
    {
        using var h = VelroHarness.Create(o => o.PollInterval = TimeSpan.FromSeconds(10));

        VelroGeneration done = await h.RunAsync(h.Client.GenerateAsync(VelroHarness.Video()));

        IReadOnlyList<SimulatedRequest> polls = h.Velro.RequestsTo(VelroSimulator.GenerationsPath + "/" + done.Id);
        Assert.Equal(TimeSpan.FromSeconds(10), polls[1].ReceivedAt - polls[0].ReceivedAt);
        Assert.EndsWith(".mp4", Assert.Single(done.OutputUrls), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_GenerationFails_ThrowsJobFailedWithTheErrorMessage()
    {
        using var h = VelroHarness.Create(velro: v => v.FailNextGeneration("FAL.ai: content policy violation"));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.RunAsync(h.Client.GenerateAsync(VelroHarness.Image())));

        Assert.Equal(GenerationErrorKind.JobFailed, error.Kind);
        Assert.Contains("FAL.ai: content policy violation", error.Message, StringComparison.Ordinal);
        Assert.Contains(Assert.Single(h.Creates).GenerationId!, error.Message, StringComparison.Ordinal);
        Assert.Equal("The generation failed. Please try again.", error.UserMessage);
    }

    [Fact]
    public async Task GenerateAsync_GenerationCancelled_ThrowsJobFailedSayingSo()
    {
        using var h = VelroHarness.Create(velro: v => v.CancelNextGeneration());

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.RunAsync(h.Client.GenerateAsync(VelroHarness.Image())));

        Assert.Equal(GenerationErrorKind.JobFailed, error.Kind);
        Assert.Contains("was cancelled", error.Message, StringComparison.Ordinal);
        Assert.Equal("The generation was cancelled. Please start it again.", error.UserMessage);
    }

    [Fact]
    public async Task GenerateAsync_GenerationNeverFinishes_ThrowsTimeoutAfterJobTimeout()
    {
        using var h = VelroHarness.Create(o => o.JobTimeout = TimeSpan.FromSeconds(30), v => v.PollsUntilDone = int.MaxValue);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.RunAsync(h.Client.GenerateAsync(VelroHarness.Image())));

        Assert.Equal(GenerationErrorKind.Timeout, error.Kind);
        Assert.Contains("GenerationClients:Velro:JobTimeout", error.Message, StringComparison.Ordinal);
        Assert.Contains(Assert.Single(h.Creates).GenerationId!, error.Message, StringComparison.Ordinal);
        Assert.Contains("last status: processing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_PollAnswers503_RetriesThePollAndFinishes()
    {
        using var h = VelroHarness.Create(o => o.RetryNonIdempotentAfterAmbiguousFailure = false, v => v.FailNext(HttpMethod.Get, VelroSimulator.GenerationsPath, 1));

        VelroGeneration done = await h.RunAsync(h.Client.GenerateAsync(VelroHarness.Image()));

        Assert.Equal(VelroGenerationStatus.Completed, done.Status);
        Assert.Equal(3, h.Velro.RequestsTo(VelroSimulator.GenerationsPath + "/" + done.Id).Count);
    }

    [Fact]
    public async Task GenerateAsync_CallerCancels_StopsWaitingAtOnce()
    {
        using var h = VelroHarness.Create(velro: v => v.PollsUntilDone = int.MaxValue);
        using var cancel = new CancellationTokenSource();
        var progress = new ProgressRecorder(p =>
        {
            if (p.Status == "processing")
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.RunAsync(h.Client.GenerateAsync(VelroHarness.Image(), progress, cancel.Token)));
    }

    [Fact]
    public async Task GetGenerationAsync_KnownId_ReturnsItsStatus()
    {
        using var h = VelroHarness.Create();
        VelroGeneration created = await h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded();

        VelroGeneration first = await h.Client.GetGenerationAsync(created.Id).Bounded();
        VelroGeneration second = await h.Client.GetGenerationAsync(created.Id).Bounded();

        Assert.Equal(VelroGenerationStatus.Processing, first.Status);
        Assert.Equal(VelroGenerationStatus.Completed, second.Status);
        Assert.Equal("a red fox in the snow", second.Prompt);
        Assert.Equal("fal-ai/flux-pro/v1.1-ultra", second.ModelId);
        Assert.NotNull(second.CompletedAt);
    }

    [Fact]
    public async Task GetGenerationAsync_UnknownId_ThrowsJobExpired()
    {
        using var h = VelroHarness.Create();

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.GetGenerationAsync("no-such-generation").Bounded());

        Assert.Equal(GenerationErrorKind.JobExpired, error.Kind);
        Assert.Equal(404, error.StatusCode);
    }

    [Fact]
    public async Task GetCurrentUserAsync_Simulator_ReturnsEmailAndBalance()
    {
        using var h = VelroHarness.Create(velro: v =>
        {
            v.Email = "ada@example.com";
            v.CreditsBalance = 1234;
        });

        VelroUser user = await h.Client.GetCurrentUserAsync().Bounded();

        Assert.Equal("ada@example.com", user.Email);
        Assert.Equal(1234m, user.CreditsBalance);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), user.CreatedAt);
    }

    private sealed class ProgressRecorder(Action<GenerationProgress>? onReport = null) : IProgress<GenerationProgress>
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

            onReport?.Invoke(value);
        }
    }
}
