using System.Text.Json;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using GenResilience.Tests.Providers.Bytez;
using GenResilience.Tests.Providers.UseApi;
using GenResilience.Tests.Providers.Velro;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Tests.Generators;

public class VideoGeneratorTests
{
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3, 4];

    [Fact]
    public async Task UseApi_OptionsMapped_DurationAspectRatioSeedAndTheReferenceImageUploaded()
    {
        using var h = UseApiHarness.Create();
        IVideoGenerator generator = h.Client.AsVideoGenerator("LTX Turbo");
        var progress = new List<GenerationProgress>();

        VideoGenerationResponse response = await h.RunAsync(generator.GenerateAsync(
            new VideoGenerationRequest("a fox in the snow", new DataContent(Png, "image/png") { Name = "fox.png" }),
            new VideoGenerationOptions { Duration = TimeSpan.FromSeconds(5), AspectRatio = "9:16", Seed = 42 },
            new SyncProgress(progress)));

        SimulatedRequest upload = Assert.Single(h.Simulator.Requests, r => r.Method == "POST" && r.Path == "/v1/ltxstudio/assets/");
        Assert.Equal(Png, upload.Body);
        using JsonDocument create = JsonDocument.Parse(Assert.Single(h.Creates).BodyText);
        Assert.Equal("ltxv-turbo", create.RootElement.GetProperty("model").GetString());
        Assert.Equal("5", create.RootElement.GetProperty("duration").GetString());
        Assert.Equal("9:16", create.RootElement.GetProperty("aspectRatio").GetString());
        Assert.Equal(42, create.RootElement.GetProperty("seed").GetInt64());
        Assert.StartsWith("asset:", create.RootElement.GetProperty("startAssetId").GetString(), StringComparison.Ordinal);

        Assert.Equal(("UseApi", "ltxv-turbo"), (response.ProviderName, response.ModelId));
        Assert.Equal("video/mp4", Assert.IsType<UriContent>(Assert.Single(response.Contents)).MediaType);
        var raw = Assert.IsType<UseApiVideoResult>(response.RawRepresentation);
        Assert.Equal(raw.AssetUrl, response.VideoUri);
        Assert.Empty(response.Warnings);
        Assert.Equal("completed", progress[^1].Status);
    }

    [Fact]
    public async Task UseApi_ModelIdInOptions_GoesToGoogleFlowAndUnusedOptionsAreWarnings()
    {
        using var h = UseApiHarness.Create();

        VideoGenerationResponse response = await h.RunAsync(h.Client.AsVideoGenerator("ltxv").GenerateAsync(
            new VideoGenerationRequest("a fox", new UriContent(new Uri("https://example.com/fox.png"), "image/png")),
            new VideoGenerationOptions { ModelId = "veo-3.1-fast", Count = 2, Resolution = "1080p", AdditionalProperties = new() { ["style"] = "noir" } }));

        SimulatedRequest create = Assert.Single(h.Creates);
        Assert.Equal("/v1/google-flow/videos", create.Path);
        Assert.Contains("\"count\":2", create.BodyText, StringComparison.Ordinal);
        Assert.Equal("veo-3.1-fast", response.ModelId);
        Assert.Equal(3, response.Warnings.Count);
        Assert.Contains(response.Warnings, w => w.Contains("not an address", StringComparison.Ordinal));
        Assert.Contains(response.Warnings, w => w.Contains("'1080p' was ignored", StringComparison.Ordinal));
        Assert.Contains(response.Warnings, w => w.Contains("style ignored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UseApi_UnknownModelIdInOptions_ModelNotFoundBeforeAnyRequest()
    {
        using var h = UseApiHarness.Create();

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.AsVideoGenerator("ltxv").GenerateAsync(new VideoGenerationRequest("a fox"), new VideoGenerationOptions { ModelId = "sora" }));

        Assert.Equal(GenerationErrorKind.ModelNotFound, error.Kind);
        Assert.Contains("veo-3.1-fast", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Simulator.Requests);
    }

    [Fact]
    public async Task UseApi_VeoDown_TheResponseNamesTheFallbackModelAndSaysSo()
    {
        using var h = UseApiHarness.Create(simulator: s => s.StartOutage(522, only: ["/v1/ltxstudio/videos/veo-create"]));

        VideoGenerationResponse response = await h.RunAsync(h.Client.AsVideoGenerator("veo3").GenerateAsync(new VideoGenerationRequest("a fox")));

        Assert.Equal("ltxv-turbo", response.ModelId);
        Assert.Contains(response.Warnings, w => w.Contains("LTX Turbo", StringComparison.Ordinal));
        Assert.True(Assert.IsType<UseApiVideoResult>(response.RawRepresentation).UsedFallback);
    }

    [Fact]
    public async Task UseApi_CancelledWhileWaitingForTheJob_EndsAtOnce()
    {
        using var h = UseApiHarness.Create(simulator: s => s.PollsUntilDone = 1000);
        using var cancel = new CancellationTokenSource();

        Task<VideoGenerationResponse> call = h.Client.AsVideoGenerator("ltxv").GenerateAsync(new VideoGenerationRequest("a fox"), cancellationToken: cancel.Token);
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(10));
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call).Bounded();
    }

    [Fact]
    public async Task Velro_OptionsMapped_DurationAspectRatioSeedAndTheExtraParameters()
    {
        using var h = VelroHarness.Create();

        VideoGenerationResponse response = await h.RunAsync(h.Client.AsVideoGenerator("fal-ai/veo3").GenerateAsync(
            new VideoGenerationRequest("a drone over a lake", new UriContent(new Uri("https://example.com/lake.png"), "image/png")),
            new VideoGenerationOptions { Duration = TimeSpan.FromSeconds(8), AspectRatio = "16:9", Seed = 7, Resolution = "720p", AdditionalProperties = new() { ["quality"] = "high" } }));

        VelroSimulatedCreate create = Assert.Single(h.Creates);
        using JsonDocument parameters = JsonDocument.Parse(create.Fields["parameters"]);
        Assert.Equal(8, parameters.RootElement.GetProperty("duration").GetDouble());
        Assert.Equal("16:9", parameters.RootElement.GetProperty("aspect_ratio").GetString());
        Assert.Equal(7, parameters.RootElement.GetProperty("seed").GetInt64());
        Assert.Equal("high", parameters.RootElement.GetProperty("quality").GetString());
        Assert.Equal("https://example.com/lake.png", create.Fields["reference_image_url"]);
        Assert.Equal(("Velro", "fal-ai/veo3"), (response.ProviderName, response.ModelId));
        Assert.IsType<VelroGeneration>(response.RawRepresentation);
        Assert.NotNull(response.VideoUri);
        Assert.Contains("'720p' was ignored", Assert.Single(response.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytez_RunsTheVideoModelAndNamesEachIgnoredOption()
    {
        using var h = BytezHarness.Create();

        VideoGenerationResponse response = await h.Client.AsVideoGenerator(BytezSimulator.VideoModel).GenerateAsync(
            new VideoGenerationRequest("a fox"),
            new VideoGenerationOptions { Duration = TimeSpan.FromSeconds(4), Seed = 3, AdditionalProperties = new() { ["num_frames"] = 48 } }).Bounded();

        SimulatedRequest run = Assert.Single(h.Simulator.RunsOf(BytezSimulator.VideoModel));
        Assert.Contains("\"num_frames\":48", run.BodyText, StringComparison.Ordinal);
        Assert.Equal(("Bytez", BytezSimulator.VideoModel), (response.ProviderName, response.ModelId));
        Assert.Equal(response.VideoUri!.ToString(), response.RawRepresentation);
        Assert.Contains("Duration, Seed ignored", Assert.Single(response.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_KeyedVideoGenerators_ResolveByModel()
    {
        var services = new ServiceCollection();
        services.AddGenerationClients(o =>
        {
            o.UseApi = new UseApiClientOptions { ApiKeys = ["test-token-1"] };
            o.Bytez = new BytezClientOptions { ApiKeys = ["test-key-1"] };
            o.Velro = new VelroClientOptions { BaseAddress = new Uri("https://velro.example.com"), ApiKeys = ["test-token-2"] };
        });
        services.AddUseApiVideoGenerator("Veo 3.1 Fast");
        services.AddVelroVideoGenerator("fal-ai/veo3", serviceKey: "velro-veo");
        services.AddBytezVideoGenerator(BytezSimulator.VideoModel);
        using ServiceProvider provider = services.BuildServiceProvider();

        VideoGeneratorMetadata flow = provider.GetRequiredKeyedService<IVideoGenerator>("veo-3.1-fast").GetService(typeof(VideoGeneratorMetadata)) as VideoGeneratorMetadata ?? throw new InvalidOperationException();
        VideoGeneratorMetadata velro = (VideoGeneratorMetadata)provider.GetRequiredKeyedService<IVideoGenerator>("velro-veo").GetService(typeof(VideoGeneratorMetadata))!;
        VideoGeneratorMetadata bytez = (VideoGeneratorMetadata)provider.GetRequiredKeyedService<IVideoGenerator>(BytezSimulator.VideoModel).GetService(typeof(VideoGeneratorMetadata))!;

        Assert.Equal(("UseApi", "veo-3.1-fast"), (flow.ProviderName, flow.DefaultModelId));
        Assert.Equal(("Velro", "fal-ai/veo3"), (velro.ProviderName, velro.DefaultModelId));
        Assert.Equal(("Bytez", BytezSimulator.VideoModel), (bytez.ProviderName, bytez.DefaultModelId));
    }

    private sealed class SyncProgress(List<GenerationProgress> reports) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
