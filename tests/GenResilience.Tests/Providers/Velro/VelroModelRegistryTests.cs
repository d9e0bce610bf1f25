using GenResilience.Testing;
using GenResilience.Tests.Helpers;

namespace GenResilience.Tests.Providers.Velro;

/// <summary>
/// The model registry: typed, read once however many callers ask at once, kept for ModelCacheDuration.
/// </summary>
public class VelroModelRegistryTests
{
    [Fact]
    public async Task GetSupportedModelsAsync_Simulator_ReturnsTheSevenModelsTyped()
    {
        using var h = VelroHarness.Create();

        IReadOnlyList<VelroModel> models = await h.Client.GetSupportedModelsAsync().Bounded();

        Assert.Equal(
            [
                ("fal-ai/imagen4/preview/ultra", VelroModelType.Image, 45),
                ("fal-ai/flux-pro/v1.1-ultra", VelroModelType.Image, 50),
                ("fal-ai/flux-pro/kontext/max", VelroModelType.Image, 60),
                ("fal-ai/wan-pro/text-to-video", VelroModelType.Video, 300),
                ("fal-ai/kling-video/v2.1/master/text-to-video", VelroModelType.Video, 350),
                ("fal-ai/minimax/hailuo-02/pro/text-to-video", VelroModelType.Video, 400),
                ("fal-ai/veo3", VelroModelType.Video, 500),
            ],
            models.Select(m => (m.ModelId, m.Type, m.Credits)));
        VelroModel flux = models[1];
        Assert.Contains("landscape_16_9", flux.Parameters["image_size"].AllowedValues.Select(v => v.GetString()));
        Assert.Equal(4, flux.Parameters["num_images"].Maximum);
        Assert.Equal(["jpg", "png"], flux.SupportedFormats);
        Assert.Equal(10, models[6].Parameters["duration"].Maximum);
    }

    [Fact]
    public async Task GetSupportedModelsAsync_FiftyConcurrentCalls_ReadTheRegistryOnce()
    {
        using var h = VelroHarness.Create();

        IReadOnlyList<VelroModel>[] results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => h.Client.GetSupportedModelsAsync()))).Bounded();

        Assert.Single(h.Velro.RequestsTo(VelroSimulator.ModelsPath));
        Assert.All(results, r => Assert.Same(results[0], r));
    }

    [Fact]
    public async Task GetSupportedModelsAsync_AfterModelCacheDuration_ReadsTheRegistryAgain()
    {
        using var h = VelroHarness.Create();
        await h.Client.GetSupportedModelsAsync().Bounded();

        h.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        await h.Client.GetSupportedModelsAsync().Bounded();
        Assert.Single(h.Velro.RequestsTo(VelroSimulator.ModelsPath));

        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        await h.Client.GetSupportedModelsAsync().Bounded();
        Assert.Equal(2, h.Velro.RequestsTo(VelroSimulator.ModelsPath).Count);
    }

    [Fact]
    public async Task GetSupportedModelsAsync_CreatesAfterTheFirstRead_UseTheCachedRegistry()
    {
        using var h = VelroHarness.Create();

        for (int i = 0; i < 3; i++)
        {
            await h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded();
        }

        Assert.Single(h.Velro.RequestsTo(VelroSimulator.ModelsPath));
        Assert.Equal(3, h.Creates.Count);
    }

    [Fact]
    public async Task GetSupportedModelsAsync_ReadFailed_IsNotKeptAndTheNextCallReadsAgain()
    {
        using var h = VelroHarness.Create(velro: v => v.FailNext(HttpMethod.Get, VelroSimulator.ModelsPath, 4));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.RunAsync(h.Client.GetSupportedModelsAsync()));
        IReadOnlyList<VelroModel> models = await h.Client.GetSupportedModelsAsync().Bounded();

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal(4, error.Attempts);
        Assert.Equal(7, models.Count);
        Assert.Equal(5, h.Velro.RequestsTo(VelroSimulator.ModelsPath).Count);
    }

    [Fact]
    public async Task GetSupportedModelsAsync_OddRegistryEntries_AreReadLeniently()
    {
        using var h = VelroHarness.Create();
        h.Velro.Server.On(HttpMethod.Get, VelroSimulator.ModelsPath).Reply(SimulatedResponse.Ok(
            "{\"models\":[{\"model_id\":\"fal-ai/new-thing\",\"type\":\"3d\",\"credits\":\"70\",\"parameters\":[\"seed\"],\"supported_formats\":null},"
            + "{\"model_id\":\"fal-ai/odd\",\"type\":\"image\",\"credits\":10,\"parameters\":{\"image_size\":\"free text\",\"num_images\":{\"required\":\"yes\"}}}]}"));

        IReadOnlyList<VelroModel> models = await h.Client.GetSupportedModelsAsync().Bounded();

        Assert.Equal(VelroModelType.Unknown, models[0].Type);
        Assert.Equal(70, models[0].Credits);
        Assert.Equal(["seed"], models[0].Parameters.Keys);
        Assert.Empty(models[0].SupportedFormats);
        Assert.Equal(["image_size", "num_images"], models[1].Parameters.Keys);
    }

    [Fact]
    public async Task GetSupportedModelsAsync_EmptyRegistry_ThrowsAndIsNotKept()
    {
        using var h = VelroHarness.Create();
        h.Velro.Server.On(HttpMethod.Get, VelroSimulator.ModelsPath).Reply(SimulatedResponse.Ok("{\"models\":[]}"));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded());
        await Assert.ThrowsAsync<GenerationException>(() => h.Client.GetSupportedModelsAsync().Bounded());

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Contains("empty model registry", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Creates);
        Assert.Equal(2, h.Velro.RequestsTo(VelroSimulator.ModelsPath).Count);
    }
}
