using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using static GenResilience.Tests.Providers.Bytez.BytezHarness;

namespace GenResilience.Tests.Providers.Bytez;

public class BytezRateLimitTests
{
    private const string Model = BytezSimulator.ImageModel;

    [Fact]
    public async Task GenerateImageAsync_429Then429Then200_WaitsExactly2sThen4sAndSaysSoInTheLog()
    {
        using var h = Create();
        h.Simulator.Script(Model, BytezSimulator.RateLimited(), BytezSimulator.RateLimited());

        Task<string> call = h.Client.GenerateImageAsync(Model, "a red fox");
        await h.Simulator.WaitForRunsAsync(1);
        await StepThroughWaitsAsync(h, 2, 4);
        string url = await call.Bounded();

        Assert.StartsWith("https://", url, StringComparison.Ordinal);
        DateTimeOffset start = h.Simulator.Runs[0].ReceivedAt;
        Assert.Equal([0, 2, 6], h.Simulator.Runs.Select(r => (r.ReceivedAt - start).TotalSeconds));
        Assert.Equal(
            [
                "Bytez image: rate limited (429) on API key …0001; the key cools down for 2s (no Retry-After, 1 in a row)",
                "Bytez image: rate limited (429) on API key …0001; the key cools down for 4s (no Retry-After, 2 in a row)",
            ],
            h.Messages("KeyRateLimited"));
        Assert.Equal(
            [
                "Bytez image: every usable API key is cooling down after a 429, waiting 2s before sending",
                "Bytez image: every usable API key is cooling down after a 429, waiting 4s before sending",
            ],
            h.Messages("WaitingForRateLimit"));
    }

    [Fact]
    public async Task GenerateImageAsync_429sBeyondTheBudget_FailsRateLimitedAfter2s4s6s()
    {
        using var h = Create();
        h.Simulator.Script(Model, BytezSimulator.RateLimited(), BytezSimulator.RateLimited(), BytezSimulator.RateLimited(), BytezSimulator.RateLimited());

        Task<string> call = h.Client.GenerateImageAsync(Model, "a red fox");
        await h.Simulator.WaitForRunsAsync(1);
        await StepThroughWaitsAsync(h, 2, 4, 6);
        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => call).Bounded();

        Assert.Equal(GenerationErrorKind.RateLimited, error.Kind);
        Assert.Equal(429, error.StatusCode);
        Assert.Equal(4, error.Attempts);
        Assert.Equal("image", error.Operation);
        Assert.Contains("Rate limit exceeded", error.Message, StringComparison.Ordinal);
        Assert.Contains("busy", error.UserMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateImageAsync_QuotaErrorInsideA200_IsARateLimitWaitedOutLikeA429()
    {
        using var h = Create();
        h.Simulator.Script(Model, BytezSimulator.QuotaExceeded());

        Task<string> call = h.Client.GenerateImageAsync(Model, "a red fox");
        await h.Simulator.WaitForRunsAsync(1);
        await StepThroughWaitsAsync(h, 2);
        string url = await call.Bounded();

        Assert.NotNull(url);
        Assert.Equal(2, h.Simulator.Runs.Count);
        Assert.Equal(["Bytez image: rate limited (429) on API key …0001; the key cools down for 2s (no Retry-After, 1 in a row)"], h.Messages("KeyRateLimited"));
    }

    /// <summary>For each wait: nothing goes out a millisecond before it ends, and the next run goes out when it does.</summary>
    private static async Task StepThroughWaitsAsync(BytezHarness h, params int[] seconds)
    {
        foreach (TimeSpan wait in seconds.Select(s => TimeSpan.FromSeconds(s)))
        {
            int runs = h.Simulator.Runs.Count;
            await h.Time.WaitForTimerAsync(wait);
            h.Time.Advance(wait - TimeSpan.FromMilliseconds(1));
            Assert.Equal(runs, h.Simulator.Runs.Count);
            h.Time.Advance(TimeSpan.FromMilliseconds(1));
            await h.Simulator.WaitForRunsAsync(runs + 1);
        }
    }
}
