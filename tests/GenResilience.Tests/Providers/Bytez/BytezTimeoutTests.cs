using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using static GenResilience.Tests.Providers.Bytez.BytezHarness;

namespace GenResilience.Tests.Providers.Bytez;

public class BytezTimeoutTests
{
    private const string ImageModel = BytezSimulator.ImageModel;
    private const string VideoModel = BytezSimulator.VideoModel;

    [Fact]
    public async Task GenerateImageAndVideo_OnOneClient_TheImageTimesOutAt90sAndTheVideoRunsPastItTo170s()
    {
        using var h = Create(
            o => o.RetryNonIdempotentAfterAmbiguousFailure = false,
            simulator: s => s.WithModel(ImageModel, "text-to-image", runTime: TimeSpan.FromSeconds(120)).WithModel(VideoModel, "text-to-video", runTime: TimeSpan.FromSeconds(170)));

        Task<string> image = h.Client.GenerateImageAsync(ImageModel, "a fox");
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(90));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(120));
        h.Time.Advance(TimeSpan.FromSeconds(89));
        Assert.False(image.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        GenerationException timedOut = await Assert.ThrowsAsync<GenerationException>(() => image).Bounded();

        Task<string> video = h.Client.GenerateVideoAsync(VideoModel, "a fox");
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(180));
        await h.PassAsync(TimeSpan.FromSeconds(170));
        string url = await video.Bounded();

        Assert.Equal(GenerationErrorKind.Timeout, timedOut.Kind);
        Assert.Equal("image", timedOut.Operation);
        Assert.Equal(1, timedOut.Attempts);
        Assert.Equal("This is taking longer than usual. Please try again in a moment.", timedOut.UserMessage);
        Assert.EndsWith(".mp4", url, StringComparison.Ordinal);
        Assert.Equal(2, h.Simulator.Runs.Count);
        Assert.Single(h.Messages("AmbiguousFailureNotRetried"));
    }

    [Fact]
    public async Task GenerateImageAsync_AttemptTimesOutAt90s_IsRetriedAfter5sByDefault()
    {
        using var h = Create();
        h.Simulator.Script(ImageModel, BytezSimulator.Output("https://cdn.bytez.com/outputs/late.png").WithDelay(TimeSpan.FromSeconds(120)));

        Task<string> image = h.Client.GenerateImageAsync(ImageModel, "a fox");

        // The slow answer must be taken by the first attempt (its 120 s wait has started) before the clock moves.
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(120));
        await h.PassAsync(TimeSpan.FromSeconds(90));
        await h.PassAsync(TimeSpan.FromSeconds(5));
        string url = await image.Bounded();

        Assert.StartsWith("https://cdn.bytez.com/outputs/", url, StringComparison.Ordinal);
        Assert.NotEqual("https://cdn.bytez.com/outputs/late.png", url);
        Assert.Equal(["Bytez image: attempt timed out after 1m30s, retrying in 5s (attempt 1/3)"], h.Messages("RetryingAfterFailure"));
    }

    [Fact]
    public async Task RunAsync_RequestAttemptTimeout_ReplacesTheClientsAttemptTimeout()
    {
        using var h = Create(o => (o.RetryDelays, o.ValidateModelIds) = ([], false), simulator: s => s.WithModel(ImageModel, "text-to-image", runTime: TimeSpan.FromSeconds(30)));

        Task<BytezResult> run = h.Client.RunAsync(ImageModel, new BytezRequest { Text = "a fox", AttemptTimeout = TimeSpan.FromSeconds(20) });
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(30));
        await h.PassAsync(TimeSpan.FromSeconds(20));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => run).Bounded();
        Assert.Equal(GenerationErrorKind.Timeout, error.Kind);
        Assert.Equal("run", error.Operation);
    }
}
