using System.Text.RegularExpressions;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using static GenResilience.Tests.Providers.Bytez.BytezHarness;

namespace GenResilience.Tests.Providers.Bytez;

/// <summary>What an end user reads for each kind of failure the Bytez client produces: friendly, and nothing technical.</summary>
public partial class BytezUserMessageTests
{
    private const string Model = BytezSimulator.ImageModel;

    public static TheoryData<string, GenerationErrorKind, string> Failures => new()
    {
        { "every key revoked", GenerationErrorKind.Unauthorized, "The service is being set up. Please try again in a few minutes." },
        { "429 after 429", GenerationErrorKind.RateLimited, "The service is busy; please try again in 2-3 minutes." },
        { "queue full", GenerationErrorKind.RateLimited, "The service is busy and too many requests are already queued. Please try again in a few minutes." },
        { "too slow", GenerationErrorKind.Timeout, "This is taking longer than usual. Please try again in a moment." },
        { "522 after 522", GenerationErrorKind.ServiceUnavailable, "The service is having trouble right now; we retried 3 times. Please try again later." },
        { "error inside a 200", GenerationErrorKind.InvalidRequest, "The request could not be processed. Please check your input and try again." },
        { "unknown model", GenerationErrorKind.ModelNotFound, "The selected model is not available. Please choose another model." },
        { "credits spent", GenerationErrorKind.InsufficientCredits, "Generation is paused because the service has run out of credits. Please try again later." },
        { "body that is not JSON", GenerationErrorKind.Unknown, "Something went wrong. Please try again." },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task GenerateImageAsync_EachKindOfFailure_HasAFriendlyUserMessage(string scenario, GenerationErrorKind kind, string expected)
    {
        using BytezHarness h = Scenario(scenario);
        Task blocker = Task.CompletedTask;
        if (scenario == "queue full")
        {
            blocker = h.Client.GenerateImageAsync(Model, "first");
            await h.Simulator.WaitForRunsAsync(1);
        }

        string model = scenario == "unknown model" ? "stabilityai/stable-diffusion-xl" : Model;
        Task<string> call = h.Client.GenerateImageAsync(model, "a red fox");
        await DriveClockAsync(h, scenario);
        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => call).Bounded();

        Assert.Equal(kind, error.Kind);
        Assert.Equal(expected, error.UserMessage);
        Assert.DoesNotMatch(StatusCode(), error.UserMessage);
        Assert.DoesNotContain("Bytez", error.UserMessage, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("key", error.UserMessage, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("HTTP", error.UserMessage, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Key1, error.Message, StringComparison.Ordinal);

        if (scenario == "queue full")
        {
            await h.PassAsync(TimeSpan.FromSeconds(40));
            await blocker.Bounded();
        }
    }

    private static BytezHarness Scenario(string scenario) => scenario switch
    {
        "every key revoked" => Create(simulator: s => s.WithKey(Key1, BytezKeyState.Unauthorized)),
        "429 after 429" => Create(simulator: s => s.Script(Model, [.. Enumerable.Repeat(BytezSimulator.RateLimited(), 4)])),
        "queue full" => Create(o => (o.MaxConcurrentRequests, o.MaxQueueLength) = (1, 0), simulator: s => s.WithModel(Model, "text-to-image", TimeSpan.FromSeconds(40))),
        "too slow" => Create(o => o.RetryNonIdempotentAfterAmbiguousFailure = false, simulator: s => s.WithModel(Model, "text-to-image", TimeSpan.FromMinutes(2))),
        "522 after 522" => Create(simulator: s => s.Script(Model, [.. Enumerable.Repeat(SimulatedResponse.CloudflareError(522, "api.bytez.com"), 4)])),
        "error inside a 200" => Create(simulator: s => s.Script(Model, BytezSimulator.Error("Input text is too long for this model."))),
        "credits spent" => Create(simulator: s => s.WithKey(Key1, BytezKeyState.OutOfCredits)),
        "body that is not JSON" => Create(simulator: s => s.Script(Model, SimulatedResponse.Status(200, "<html>Bad gateway</html>", "text/html"))),
        _ => Create(),
    };

    /// <summary>Moves the clock through the waits of the scenario, each once the client has started it.</summary>
    private static async Task DriveClockAsync(BytezHarness h, string scenario)
    {
        switch (scenario)
        {
            case "429 after 429":
                foreach (int wait in new[] { 2, 4, 6 })
                {
                    await h.PassAsync(TimeSpan.FromSeconds(wait));
                }

                break;

            case "522 after 522":
                foreach (int wait in new[] { 5, 15, 30 })
                {
                    await h.PassAsync(TimeSpan.FromSeconds(wait));
                }

                break;

            case "too slow":
                // The run has reached the simulator (its 2-minute answer is pending) before the 90 s timeout passes.
                await h.Time.WaitForTimerAsync(TimeSpan.FromMinutes(2));
                await h.PassAsync(BytezClientOptions.DefaultImageTimeout);
                break;
        }
    }

    /// <summary>An HTTP status code, or anything like one.</summary>
    [GeneratedRegex("[0-9]{3}")]
    private static partial Regex StatusCode();
}
