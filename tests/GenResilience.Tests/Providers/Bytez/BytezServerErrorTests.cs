using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using static GenResilience.Tests.Providers.Bytez.BytezHarness;

namespace GenResilience.Tests.Providers.Bytez;

/// <summary>Outages in front of Bytez, and paid runs that must not be repeated without consent.</summary>
public class BytezServerErrorTests
{
    private const string Model = BytezSimulator.ImageModel;

    [Fact]
    public async Task GenerateImageAsync_Cloudflare522ThenSuccess_RetriesAfter5sAndLogsIt()
    {
        using var h = Create();
        h.Simulator.Script(Model, SimulatedResponse.CloudflareError(522, "api.bytez.com"));

        Task<string> image = h.Client.GenerateImageAsync(Model, "a fox");
        await h.Simulator.WaitForRunsAsync(1);
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        h.Time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        Assert.Single(h.Simulator.Runs);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        string url = await image.Bounded();

        Assert.StartsWith("https://cdn.bytez.com/outputs/", url, StringComparison.Ordinal);
        Assert.Equal(2, h.Simulator.Runs.Count);
        Assert.Equal(["Bytez image: server error 522, retrying in 5s (attempt 1/3)"], h.Messages("RetryingAfterFailure"));
    }

    [Fact]
    public async Task GenerateVideoAsync_522sUntilTheRetriesRunOut_FailsServiceUnavailableAfter5s15s30s()
    {
        using var h = Create();
        h.Simulator.Script(BytezSimulator.VideoModel, [.. Enumerable.Repeat(SimulatedResponse.CloudflareError(522, "api.bytez.com"), 4)]);

        Task<string> video = h.Client.GenerateVideoAsync(BytezSimulator.VideoModel, "a fox");
        foreach (int delay in new[] { 5, 15, 30 })
        {
            await h.PassAsync(TimeSpan.FromSeconds(delay));
        }

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => video).Bounded();

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal(522, error.StatusCode);
        Assert.Equal(4, error.Attempts);
        Assert.Equal("video", error.Operation);
        Assert.Equal(
            [
                "Bytez video: server error 522, retrying in 5s (attempt 1/3)",
                "Bytez video: server error 522, retrying in 15s (attempt 2/3)",
                "Bytez video: server error 522, retrying in 30s (attempt 3/3)",
            ],
            h.Messages("RetryingAfterFailure"));
    }

    [Fact]
    public async Task RunAsync_504WithAmbiguousRetriesOff_IsNotRunAgainBut522Is()
    {
        using var h = Create(o => o.RetryNonIdempotentAfterAmbiguousFailure = false);
        h.Simulator.Script(Model, SimulatedResponse.Status(504, "Gateway Timeout"), SimulatedResponse.CloudflareError(522, "api.bytez.com"));

        // A 504 may mean the model ran (and was paid for): one attempt only.
        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.RunAsync(Model, new BytezRequest { Text = "a" })).Bounded();

        // A 522 proves the run never reached Bytez: retried as usual.
        Task<BytezResult> second = h.Client.RunAsync(Model, new BytezRequest { Text = "b" });
        await h.PassAsync(TimeSpan.FromSeconds(5));
        BytezResult result = await second.Bounded();

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal(1, error.Attempts);
        Assert.Equal(504, error.StatusCode);
        Assert.Single(h.Messages("AmbiguousFailureNotRetried"));
        Assert.NotNull(result.OutputUrl);
        Assert.Equal([504, 522, 200], h.Simulator.Runs.Select(r => r.Response.StatusCode));
    }
}
