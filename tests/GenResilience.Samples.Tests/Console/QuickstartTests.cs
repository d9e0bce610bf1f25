using GenResilience.Samples.Tests.Helpers;
using GenResilience.Testing;

namespace GenResilience.Samples.Tests.Console;

[Collection("Quickstart")]
public sealed class QuickstartTests
{
    [Fact]
    public async Task Quickstart_NoKeys_PlaysEveryStoryOnTheSimulatorsAndExits0()
    {
        SampleRun run = await SampleProcess.RunAsync("GenResilience.Samples.Quickstart");

        SampleAssert.Ran(
            run,
            0,
            "UseApi  simulator on http://127.0.0.1:",
            // 1. UseAPI: the outage is ridden out on the configured schedule, VEO fails over to LTX and comes back.
            "UseApi LTX Turbo: server error 522, retrying in 50ms (attempt 1/3)",
            "UseApi LTX Turbo: server error 523, retrying in 150ms (attempt 2/3)",
            "UseApi VEO3: server error 522, retrying in 300ms (attempt 3/3)",
            "made on LTX Turbo (emergency fallback for VEO3)",
            "VEO health: Degraded",
            "a trial VEO call succeeded",
            "VEO health: Healthy",
            // 2. Bytez: the revoked key is found once, the burst stays inside the plan.
            "Bytez model check: API key …0001 was rejected with 403",
            "Keys used: …0001 (403), …0002.",
            "10 of 10 images, 0 × 429",
            "The simulated plan refused 0 run(s); at most 1 ran at once.",
            // 3. Velro: the unknown model is refused before any create, the real one goes out as a multipart form.
            "ModelNotFound, status none: nothing was sent.",
            "Velro has no model 'gpt-4o-mini'.",
            "Velro read a multipart form: model_id, prompt, parameters",
            // The summary.
            "│ provider │ operation",
            "keys used",
            "Every story went as told.");
        Assert.DoesNotContain("not as expected", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quickstart_BytezKeysConfigured_CallsTheConfiguredServiceAndTheSimulatorsForTheRest()
    {
        // A stand-in for the real Bytez: the quickstart sees a configured provider and calls it with the production
        // defaults, as it would call api.bytez.com.
        using BytezSimulator bytez = BytezSimulator.Start();

        SampleRun run = await SampleProcess.RunAsync(
            "GenResilience.Samples.Quickstart",
            environment: new Dictionary<string, string>
            {
                ["GenerationClients__Bytez__BaseAddress"] = bytez.BaseAddress.ToString(),
                ["BYTEZ_API_KEY_1"] = "test-live-bytez-key-0009",
                ["Quickstart__Bytez__BurstSize"] = "3",
            });

        SampleAssert.Ran(
            run,
            0,
            "Bytez   the real service (configured)",
            "UseApi  simulator on http://127.0.0.1:",
            "3 of 3 images, 0 × 429",
            "VEO health: Healthy",
            "Velro read a multipart form",
            "Done.");
        Assert.Equal(4, bytez.Runs.Count);
        Assert.All(bytez.Runs, r => Assert.Equal("test-live-bytez-key-0009", r.ApiKey));
        Assert.DoesNotContain("simulated plan", run.Output, StringComparison.Ordinal);
    }
}
