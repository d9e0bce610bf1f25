using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using static GenResilience.Tests.Providers.Bytez.BytezHarness;

namespace GenResilience.Tests.Providers.Bytez;

/// <summary>Bytez sends failures inside a 200: each family of error text takes its own path.</summary>
public class BytezEnvelopeTests
{
    private const string Model = BytezSimulator.ImageModel;

    [Fact]
    public async Task GenerateImageAsync_UnauthorizedInsideA200_TakesTheKeyPathAndTheNextKeyServes()
    {
        using var h = Create(keys: [Key1, Key2]);
        h.Simulator.Script(Model, BytezSimulator.Error("Unauthorized"));

        string first = await h.Client.GenerateImageAsync(Model, "a fox").Bounded();
        string second = await h.Client.GenerateImageAsync(Model, "a fox").Bounded();

        Assert.NotNull(first);
        Assert.NotNull(second);
        string rejected = h.Simulator.Runs[0].ApiKey!;
        Assert.Equal(3, h.Simulator.Runs.Count);
        Assert.All(h.Simulator.Runs.Skip(1), r => Assert.NotEqual(rejected, r.ApiKey));
        Assert.Single(h.Messages("KeyRejected"));
    }

    [Fact]
    public async Task GenerateImageAsync_ColdStart_IsRetriedLikeAServerErrorUntilTheModelIsWarm()
    {
        using var h = Create(simulator: s => s.ColdStart(Model, TimeSpan.FromSeconds(20)));

        Task<string> call = h.Client.GenerateImageAsync(Model, "a fox");
        await h.PassAsync(TimeSpan.FromSeconds(5));
        await h.PassAsync(TimeSpan.FromSeconds(15));
        string url = await call.Bounded();

        Assert.NotNull(url);
        DateTimeOffset start = h.Simulator.Runs[0].ReceivedAt;
        Assert.Equal([0, 5, 20], h.Simulator.Runs.Select(r => (r.ReceivedAt - start).TotalSeconds));
        Assert.Equal(
            ["Bytez image: error inside a 200 answer, retrying in 5s (attempt 1/3)", "Bytez image: error inside a 200 answer, retrying in 15s (attempt 2/3)"],
            h.Messages("RetryingAfterFailure"));
    }

    [Fact]
    public async Task GenerateImageAsync_ColdStartLongerThanTheRetries_FailsServiceUnavailable()
    {
        using var h = Create(simulator: s => s.ColdStart(Model, TimeSpan.FromMinutes(5)));

        Task<string> call = h.Client.GenerateImageAsync(Model, "a fox");
        foreach (int delay in new[] { 5, 15, 30 })
        {
            await h.PassAsync(TimeSpan.FromSeconds(delay));
        }

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => call).Bounded();

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal(4, error.Attempts);
        Assert.Contains("Model is loading", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateImageAsync_OtherErrorInsideA200_FailsAtOnceWithTheServiceText()
    {
        using var h = Create();
        h.Simulator.Script(Model, BytezSimulator.Error("Input text is too long for this model (max 77 tokens)."));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.GenerateImageAsync(Model, "a fox")).Bounded();

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(200, error.StatusCode);
        Assert.Equal(1, error.Attempts);
        Assert.Equal(
            "Bytez image failed after 1 attempt: Bytez answered 200 with the error \"Input text is too long for this model (max 77 tokens).\".",
            error.Message);
        Assert.Single(h.Simulator.Runs);
    }

    [Theory]
    [InlineData("<html><body>502 Bad Gateway</body></html>", "text/html")]
    [InlineData("{\"error\":null,\"output\":\"https://cdn.bytez.com/outp", "application/json")]
    [InlineData("", "application/json")]
    public async Task GenerateImageAsync_200ThatIsNotTheEnvelope_IsATypedErrorAndNotRetried(string body, string contentType)
    {
        using var h = Create();
        h.Simulator.Script(Model, SimulatedResponse.Status(200, body, contentType));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.GenerateImageAsync(Model, "a fox")).Bounded();

        Assert.Equal(GenerationErrorKind.Unknown, error.Kind);
        Assert.Equal(200, error.StatusCode);
        Assert.Contains("not Bytez's {\"error\", \"output\"} JSON", error.Message, StringComparison.Ordinal);
        Assert.Single(h.Simulator.Runs);
    }

    [Fact]
    public async Task GenerateImageAsync_OutputWithoutAnAddress_SaysWhatCameBack()
    {
        using var h = Create();
        h.Simulator.Script(Model, BytezSimulator.OutputJson("{\"label\":\"fox\",\"score\":0.98}"));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.GenerateImageAsync(Model, "a fox")).Bounded();

        Assert.Equal(GenerationErrorKind.Unknown, error.Kind);
        Assert.Contains("{\"label\":\"fox\",\"score\":0.98}", error.Message, StringComparison.Ordinal);
    }
}
