using GenResilience.Samples.Tests.Helpers;

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
            // 4. Failover: UseAPI in an outage, Velro serves, UseAPI passed by while out of use, then back after its break.
            "video failover: flow veo-3.1-fast failed with ServiceUnavailable; the call moves to velro veo3",
            "Take 1: made by Velro fal-ai/veo3; served by velro veo3, passed by flow veo-3.1-fast (Failed, ServiceUnavailable).",
            "video failover: flow veo-3.1-fast is out of use for 1s",
            "Take 3: made by Velro fal-ai/veo3; served by velro veo3, passed by flow veo-3.1-fast (CircuitOpen, ServiceUnavailable).",
            "video failover: flow veo-3.1-fast is back in use after a successful trial call",
            "Take 4: made by UseApi veo-3.1-fast; served by flow veo-3.1-fast.",
            // The summary.
            "│ provider │ operation",
            "keys used",
            "Every story went as told.");
        Assert.DoesNotContain("not as expected", run.Output, StringComparison.Ordinal);
    }
}
