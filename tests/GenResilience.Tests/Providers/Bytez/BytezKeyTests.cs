using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using static GenResilience.Tests.Providers.Bytez.BytezHarness;

namespace GenResilience.Tests.Providers.Bytez;

public class BytezKeyTests
{
    private const string Model = BytezSimulator.ImageModel;

    [Fact]
    public async Task GenerateImageAsync_Key1RevokedFromEnvironmentVariables_Key2ServesAndKey1IsNeverTriedAgain()
    {
        using var h = FromConfiguration(
            new() { ["BYTEZ_API_KEY_1"] = Key1, ["BYTEZ_API_KEY_2"] = Key2 },
            s => s.WithKey(Key1, BytezKeyState.Unauthorized).WithKey(Key2));

        string first = await h.Client.GenerateImageAsync(Model, "a red fox").Bounded();
        string second = await h.Client.GenerateImageAsync(Model, "a blue fox").Bounded();
        string third = await h.Client.GenerateImageAsync(Model, "a green fox").Bounded();

        Assert.All([first, second, third], url => Assert.StartsWith("https://cdn.bytez.com/outputs/", url, StringComparison.Ordinal));
        Assert.Equal([Key2, Key2, Key2], h.Simulator.Runs.Select(r => r.ApiKey));

        // The revoked key cost one cheap request (the key check) in total, and nothing after it went out with KEY_1.
        SimulatedRequest onlyKey1 = Assert.Single(h.Simulator.Requests, r => r.ApiKey == Key1);
        Assert.Equal("/models/v2/list/tasks", onlyKey1.Path);
        Assert.Equal(1, onlyKey1.Sequence);
        Assert.Equal(["Bytez model check: API key …0001 was rejected with 403; quarantined for 10m, 1 of 2 keys left"], h.Messages("KeyRejected"));
    }

    [Fact]
    public async Task RunAsync_Key1RejectedByARunWithoutKeyCheck_RetriesAtOnceOnKey2AndStaysThere()
    {
        using var h = Create(
            o => (o.KeyCheck, o.ValidateModelIds) = (null, false),
            keys: [Key1, Key2],
            simulator: s => s.WithKey(Key1, BytezKeyState.Unauthorized).WithKey(Key2));

        BytezResult first = await h.Client.RunAsync(Model, new BytezRequest { Text = "a fox" }).Bounded();
        BytezResult second = await h.Client.RunAsync(Model, new BytezRequest { Text = "a cat" }).Bounded();

        Assert.NotNull(first.OutputUrl);
        Assert.NotNull(second.OutputUrl);
        Assert.Equal([Key1, Key2, Key2], h.Simulator.Runs.Select(r => r.ApiKey));
        Assert.Equal(h.Time.GetUtcNow(), h.Simulator.Runs[^1].ReceivedAt);
        Assert.Equal(["Bytez run: API key …0001 was rejected with 403; quarantined for 10m, 1 of 2 keys left"], h.Messages("KeyRejected"));
    }

    [Fact]
    public async Task GenerateImageAsync_403AboutTheModel_FailsWithTheServiceTextAndLeavesTheKeyInUse()
    {
        using var h = Create(keys: [Key1, Key2]);
        h.Simulator.Script(Model, BytezSimulator.Forbidden("This model is gated: request access to it on its model page first."));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.GenerateImageAsync(Model, "a fox")).Bounded();
        string later = await h.Client.GenerateImageAsync(Model, "a fox").Bounded();
        string again = await h.Client.GenerateImageAsync(Model, "a fox").Bounded();

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(403, error.StatusCode);
        Assert.Equal(1, error.Attempts);
        Assert.Contains("This model is gated", error.Message, StringComparison.Ordinal);
        Assert.NotNull(later);
        Assert.NotNull(again);
        Assert.Empty(h.Messages("KeyRejected"));
        Assert.Equal(3, h.Simulator.Runs.Count);
        Assert.Contains(h.Simulator.Runs.Skip(1), r => r.ApiKey == h.Simulator.Runs[0].ApiKey);
    }

    [Fact]
    public async Task GenerateImageAsync_Key1OutOfCredits_CostsOneKeyCheckAndKey2Serves()
    {
        using var h = Create(keys: [Key1, Key2], simulator: s => s.WithKey(Key1, BytezKeyState.OutOfCredits).WithKey(Key2));

        string first = await h.Client.GenerateImageAsync(Model, "a fox").Bounded();
        string second = await h.Client.GenerateImageAsync(Model, "a fox").Bounded();

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Equal([Key2, Key2], h.Simulator.Runs.Select(r => r.ApiKey));
        SimulatedRequest onlyKey1 = Assert.Single(h.Simulator.Requests, r => r.ApiKey == Key1);
        Assert.Equal(402, onlyKey1.Response.StatusCode);
    }

    [Fact]
    public async Task RunAsync_Key1RunAnswered402_SetsKey1AsideAndRetriesAtOnceOnKey2()
    {
        using var h = Create(
            o => (o.KeyCheck, o.ValidateModelIds) = (null, false),
            keys: [Key1, Key2],
            simulator: s => s.WithKey(Key1, BytezKeyState.OutOfCredits).WithKey(Key2));

        BytezResult first = await h.Client.RunAsync(Model, new BytezRequest { Text = "a fox" }).Bounded();
        BytezResult second = await h.Client.RunAsync(Model, new BytezRequest { Text = "a fox" }).Bounded();

        Assert.NotNull(first.OutputUrl);
        Assert.NotNull(second.OutputUrl);
        Assert.Equal([(Key1, 402), (Key2, 200), (Key2, 200)], h.Simulator.Runs.Select(r => (r.ApiKey, r.Response.StatusCode)));
        Assert.Equal(["Bytez run: API key …0001 was rejected with 402; quarantined for 10m, 1 of 2 keys left"], h.Messages("KeyRejected"));
    }

    [Fact]
    public async Task RunAsync_EveryKeyAnswers402_FailsWithInsufficientCreditsNowAndOnLaterCalls()
    {
        using var h = Create(
            o => (o.KeyCheck, o.ValidateModelIds) = (null, false),
            keys: [Key1, Key2],
            simulator: s => s.WithKey(Key1, BytezKeyState.OutOfCredits).WithKey(Key2, BytezKeyState.OutOfCredits));

        GenerationException first = await Assert.ThrowsAsync<GenerationException>(() => h.Client.RunAsync(Model, new BytezRequest { Text = "a fox" })).Bounded();
        GenerationException later = await Assert.ThrowsAsync<GenerationException>(() => h.Client.RunAsync(Model, new BytezRequest { Text = "a fox" })).Bounded();

        Assert.Equal(GenerationErrorKind.InsufficientCredits, first.Kind);
        Assert.Equal(GenerationErrorKind.InsufficientCredits, later.Kind);
        Assert.Equal(402, later.StatusCode);
        Assert.Equal(new GenerationException(GenerationErrorKind.InsufficientCredits, "Bytez", "x").UserMessage, first.UserMessage);
        Assert.Equal([Key1, Key2], h.Simulator.Runs.Select(r => r.ApiKey));
    }

    [Fact]
    public async Task GenerateImageAsync_EveryKeyOutOfCredits_FailsWithInsufficientCreditsWithoutARun()
    {
        using var h = Create(keys: [Key1, Key2], simulator: s => s.WithKey(Key1, BytezKeyState.OutOfCredits).WithKey(Key2, BytezKeyState.OutOfCredits));

        GenerationException first = await Assert.ThrowsAsync<GenerationException>(() => h.Client.GenerateImageAsync(Model, "a fox")).Bounded();
        GenerationException later = await Assert.ThrowsAsync<GenerationException>(() => h.Client.GenerateImageAsync(Model, "a fox")).Bounded();

        Assert.Equal(GenerationErrorKind.InsufficientCredits, first.Kind);
        Assert.Equal(GenerationErrorKind.InsufficientCredits, later.Kind);
        Assert.Empty(h.Simulator.Runs);
        Assert.Equal(2, h.Simulator.Requests.Count);
    }

    [Fact]
    public async Task GenerateImageAsync_EveryKeyRevoked_FailsWithUnauthorizedAndNoRun()
    {
        using var h = Create(keys: [Key1, Key2], simulator: s => s.WithKey(Key1, BytezKeyState.Unauthorized).WithKey(Key2, BytezKeyState.Unauthorized));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.GenerateImageAsync(Model, "a fox")).Bounded();

        Assert.Equal(GenerationErrorKind.Unauthorized, error.Kind);
        Assert.Empty(h.Simulator.Runs);
        Assert.Contains("BYTEZ_API_KEY_1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key1, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key2, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(h.LogLines, line => line.Contains(Key1, StringComparison.Ordinal) || line.Contains(Key2, StringComparison.Ordinal));
    }
}
