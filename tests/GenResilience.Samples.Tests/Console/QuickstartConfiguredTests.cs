using GenResilience.Samples.Tests.Helpers;
using GenResilience.Testing;

namespace GenResilience.Samples.Tests.Console;

/// <summary>The Quickstart with one provider configured: that provider's story runs its live path.</summary>
[Collection("Quickstart with keys")]
public sealed class QuickstartConfiguredTests
{
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
