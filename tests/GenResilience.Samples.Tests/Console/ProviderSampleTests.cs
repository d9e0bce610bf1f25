using GenResilience.Samples.Tests.Helpers;

namespace GenResilience.Samples.Tests.Console;

[Collection("Console samples")]
public sealed class ProviderSampleTests
{
    [Fact]
    public async Task UseApi_NoToken_MakesTheVideoThroughAnOutage()
    {
        SampleRun run = await SampleProcess.RunAsync("GenResilience.Samples.UseApi");

        SampleAssert.Ran(run, 0, "UseApi LTX Turbo: server error 522, retrying in 200ms", "completed 100%", "LTX Turbo video: https://");
    }

    [Fact]
    public async Task UseApi_Veo2WithoutImage_HandlesInvalidRequestByKind()
    {
        SampleRun run = await SampleProcess.RunAsync("GenResilience.Samples.UseApi", ["veo2"]);

        SampleAssert.Ran(
            run,
            1,
            "InvalidRequest. Tell the user: The request could not be processed. Please check your input and try again.",
            "Next: fix the request: ReferenceImage:");
    }

    [Fact]
    public async Task Bytez_NoKey_MakesTheImageWithTheSecondKeyAfterAColdStart()
    {
        SampleRun run = await SampleProcess.RunAsync("GenResilience.Samples.Bytez");

        SampleAssert.Ran(
            run,
            0,
            "API key …0001 was rejected with 403",
            "Bytez image: error inside a 200 answer, retrying in 200ms",
            "stabilityai/stable-diffusion-xl-base-1.0 image: https://");
    }

    [Fact]
    public async Task Bytez_MistypedModel_HandlesModelNotFoundByKind()
    {
        SampleRun run = await SampleProcess.RunAsync("GenResilience.Samples.Bytez", ["stabilityai/stable-diffusion-xl-base-1"]);

        SampleAssert.Ran(
            run,
            1,
            "ModelNotFound. Tell the user: The selected model is not available. Please choose another model.",
            "Close matches: stabilityai/stable-diffusion-xl-base-1.0",
            "Next: choose a model id from IBytezClient.ListModelsAsync().");
    }

    [Fact]
    public async Task Velro_NoConfiguration_MakesTheImageThroughA503()
    {
        SampleRun run = await SampleProcess.RunAsync("GenResilience.Samples.Velro");

        SampleAssert.Ran(run, 0, "Velro create: server error 503, retrying in 200ms", "completed", "fal-ai/flux-pro/v1.1-ultra image: https://");
    }

    [Fact]
    public async Task Velro_Gpt4oMini_HandlesModelNotFoundByKind()
    {
        SampleRun run = await SampleProcess.RunAsync("GenResilience.Samples.Velro", ["gpt-4o-mini"]);

        SampleAssert.Ran(
            run,
            1,
            "ModelNotFound. Tell the user: The selected model is not available. Please choose another model.",
            "Velro has no model 'gpt-4o-mini'.",
            "nothing was charged");
    }
}
