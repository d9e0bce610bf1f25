using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using static GenResilience.Tests.Providers.Bytez.BytezHarness;

namespace GenResilience.Tests.Providers.Bytez;

/// <summary>The model list, and the check that keeps a wrong model id from costing a paid run.</summary>
public class BytezModelTests
{
    private const string ListPath = "/models/v2/list/models";

    [Fact]
    public async Task GenerateImageAsync_UnknownModelId_FailsModelNotFoundWithTheCloseMatchesAndSendsNoRun()
    {
        using var h = Create();

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(
            () => h.Client.GenerateImageAsync("stabilityai/stable-diffusion-xl-base-1", "a fox")).Bounded();

        Assert.Equal(GenerationErrorKind.ModelNotFound, error.Kind);
        Assert.Equal("image", error.Operation);
        Assert.Equal(0, error.Attempts);
        Assert.Null(error.StatusCode);
        Assert.Contains("model 'stabilityai/stable-diffusion-xl-base-1' is not in Bytez's model list", error.Message, StringComparison.Ordinal);
        Assert.Contains("Close matches: stabilityai/stable-diffusion-xl-base-1.0.", error.Message, StringComparison.Ordinal);
        Assert.Contains("GenerationClients:Bytez:ValidateModelIds", error.Message, StringComparison.Ordinal);
        Assert.Equal("The selected model is not available. Please choose another model.", error.UserMessage);
        Assert.Empty(h.Simulator.Runs);
        Assert.Equal(
            ["Bytez image: model 'stabilityai/stable-diffusion-xl-base-1' is not in Bytez's model list; the run was not sent. Close matches: stabilityai/stable-diffusion-xl-base-1.0"],
            h.Messages("BytezModelNotFound"));
    }

    [Fact]
    public async Task RunAsync_UnknownModelId_FailsModelNotFoundAndSendsNoRun()
    {
        using var h = Create();

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(
            () => h.Client.RunAsync("qwen/Qwen2.5-1.5B-Instruct", new BytezRequest { Text = "hello" })).Bounded();

        Assert.Equal(GenerationErrorKind.ModelNotFound, error.Kind);
        Assert.Contains("Close matches: " + BytezSimulator.ChatModel + ".", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Simulator.Runs);
    }

    [Fact]
    public async Task GenerateImageAsync_ModelOfAnotherTask_IsLeftForBytezToJudge()
    {
        using var h = Create();

        // A chat model asked for an image: it exists, so the check lets Bytez answer (here with text, not an address).
        GenerationException error = await Assert.ThrowsAsync<GenerationException>(
            () => h.Client.GenerateImageAsync(BytezSimulator.ChatModel, "a fox")).Bounded();

        Assert.Equal(GenerationErrorKind.Unknown, error.Kind);
        Assert.Contains("is a text-to-image model", error.Message, StringComparison.Ordinal);
        Assert.Single(h.Simulator.Runs);
    }

    [Fact]
    public async Task GenerateImageAsync_ModelListUnavailable_RunGoesAheadUnchecked()
    {
        using var h = Create(o => o.RetryDelays = []);
        h.Simulator.Server.On(HttpMethod.Get, ListPath).Reply(SimulatedResponse.CloudflareError(522));

        string url = await h.Client.GenerateImageAsync(BytezSimulator.ImageModel, "a fox").Bounded();

        Assert.StartsWith("https://cdn.bytez.com/outputs/", url, StringComparison.Ordinal);
        Assert.Single(h.Simulator.Runs);
        string skipped = Assert.Single(h.Messages("BytezModelCheckSkipped"));
        Assert.StartsWith($"Bytez image: could not read the model list to check model '{BytezSimulator.ImageModel}', so the run goes ahead unchecked", skipped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateImageAsync_ValidateModelIdsOff_SendsTheRunWithoutReadingTheList()
    {
        using var h = Create(o => o.ValidateModelIds = false);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(
            () => h.Client.GenerateImageAsync("someone/not-a-model", "a fox")).Bounded();

        Assert.Empty(h.Simulator.Server.RequestsTo(ListPath));
        Assert.Equal("/models/v2/someone/not-a-model", Assert.Single(h.Simulator.Runs).Path);
        Assert.Equal(GenerationErrorKind.ModelNotFound, error.Kind);
        Assert.Equal(404, error.StatusCode);
    }

    [Fact]
    public async Task GenerateImageAsync_ManyRunsOfOneModel_ReadTheListOnceUntilTheCacheExpires()
    {
        using var h = Create();

        for (int i = 0; i < 3; i++)
        {
            await h.Client.GenerateImageAsync(BytezSimulator.ImageModel, "a fox").Bounded();
        }

        h.Time.Advance(TimeSpan.FromMinutes(5));
        await h.Client.GenerateImageAsync(BytezSimulator.ImageModel, "a fox").Bounded();

        Assert.Equal(4, h.Simulator.Runs.Count);
        Assert.Equal(["?task=text-to-image", "?task=text-to-image"], h.Simulator.Server.RequestsTo(ListPath).Select(r => r.Query));
    }

    [Fact]
    public async Task ListModelsAsync_ByTask_ReturnsTheModelsAndReusesTheListForModelListCacheDuration()
    {
        using var h = Create(o => o.ModelListCacheDuration = TimeSpan.FromMinutes(1));

        IReadOnlyList<BytezModel> videos = await h.Client.ListModelsAsync("text-to-video").Bounded();
        IReadOnlyList<BytezModel> again = await h.Client.ListModelsAsync("text-to-video").Bounded();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.Client.ListModelsAsync("text-to-video").Bounded();
        IReadOnlyList<BytezModel> all = await h.Client.ListModelsAsync().Bounded();

        BytezModel video = Assert.Single(videos);
        Assert.Equal(BytezSimulator.VideoModel, video.ModelId);
        Assert.Equal("text-to-video", video.Task);
        Assert.Same(videos, again);
        Assert.Equal(4, all.Count);
        Assert.Equal(["?task=text-to-video", "?task=text-to-video", string.Empty], h.Simulator.Server.RequestsTo(ListPath).Select(r => r.Query));
    }

    [Fact]
    public async Task ListModelsAsync_ServiceDown_ThrowsAfterTheRetries()
    {
        using var h = Create();
        h.Simulator.Server.On(HttpMethod.Get, ListPath).Reply(SimulatedResponse.CloudflareError(523));

        Task<IReadOnlyList<BytezModel>> list = h.Client.ListModelsAsync();
        foreach (int delay in new[] { 5, 15, 30 })
        {
            await h.PassAsync(TimeSpan.FromSeconds(delay));
        }

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => list).Bounded();

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal(4, error.Attempts);
        Assert.Equal("list models", error.Operation);
    }
}
