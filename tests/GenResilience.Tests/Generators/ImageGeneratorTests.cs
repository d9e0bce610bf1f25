using System.Drawing;
using System.Text.Json;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using GenResilience.Tests.Providers.Bytez;
using GenResilience.Tests.Providers.Velro;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Tests.Generators;

/// <summary>The Microsoft.Extensions.AI adapters: options mapped, raw results kept, cancellation honoured, middleware composed.</summary>
public class ImageGeneratorTests
{
    private const string BytezModel = BytezSimulator.ImageModel;
    private const string VelroModel = "fal-ai/flux-pro/v1.1-ultra";

    [Fact]
    public async Task Bytez_OptionsMapped_SizeAsWidthAndHeightCountAsRunsAndTheRestAsParams()
    {
        using var h = BytezHarness.Create();
        IImageGenerator generator = h.Client.AsImageGenerator(BytezModel);

        ImageGenerationResponse response = await generator.GenerateAsync(
            new ImageGenerationRequest("a red fox"),
            new ImageGenerationOptions { Count = 2, ImageSize = new Size(768, 512), AdditionalProperties = new() { ["num_inference_steps"] = 30 } }).Bounded();

        Assert.Equal(2, h.Simulator.Runs.Count);
        Assert.All(h.Simulator.Runs, run =>
        {
            using JsonDocument body = JsonDocument.Parse(run.BodyText);
            Assert.Equal("a red fox", body.RootElement.GetProperty("text").GetString());
            JsonElement parameters = body.RootElement.GetProperty("params");
            Assert.Equal(768, parameters.GetProperty("width").GetInt32());
            Assert.Equal(512, parameters.GetProperty("height").GetInt32());
            Assert.Equal(30, parameters.GetProperty("num_inference_steps").GetInt32());
        });
        Assert.Equal(2, response.Contents.Count);
        Assert.All(response.Contents, c => Assert.StartsWith("https://", Assert.IsType<UriContent>(c).Uri.ToString(), StringComparison.Ordinal));
        var raw = Assert.IsType<BytezImageResult>(response.RawRepresentation);
        Assert.Equal(BytezModel, raw.ModelId);
        Assert.Equal(response.Contents.Select(c => ((UriContent)c).Uri.ToString()), raw.Outputs);
    }

    [Fact]
    public async Task Bytez_ModelIdInOptions_OverridesTheGeneratorsModel()
    {
        using var h = BytezHarness.Create();

        await h.Client.AsImageGenerator(BytezModel).GenerateAsync(new ImageGenerationRequest("a fox"), new ImageGenerationOptions { ModelId = BytezSimulator.FastImageModel }).Bounded();

        Assert.Single(h.Simulator.RunsOf(BytezSimulator.FastImageModel));
        Assert.Empty(h.Simulator.RunsOf(BytezModel));
    }

    [Fact]
    public async Task Bytez_EmptyPrompt_InvalidRequestAndNothingSent()
    {
        using var h = BytezHarness.Create();

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.AsImageGenerator(BytezModel).GenerateAsync(new ImageGenerationRequest(" ")));

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        Assert.Empty(h.Simulator.Requests);
    }

    [Fact]
    public async Task Bytez_Cancelled_EndsAtOnceWithOperationCanceled()
    {
        using var h = BytezHarness.Create(simulator: s => s.WithModel(BytezModel, "text-to-image", runTime: TimeSpan.FromSeconds(40)));
        using var cancel = new CancellationTokenSource();

        Task<ImageGenerationResponse> call = h.Client.AsImageGenerator(BytezModel).GenerateAsync(new ImageGenerationRequest("a fox"), cancellationToken: cancel.Token);
        await h.Simulator.WaitForRunsAsync(1);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call).Bounded();
    }

    [Fact]
    public void Bytez_GetService_GivesTheMetadataAndTheClient()
    {
        using var h = BytezHarness.Create();
        IImageGenerator generator = h.Client.AsImageGenerator(BytezModel);

        ImageGeneratorMetadata metadata = Assert.IsType<ImageGeneratorMetadata>(generator.GetService(typeof(ImageGeneratorMetadata)));

        Assert.Equal(("Bytez", BytezModel), (metadata.ProviderName, metadata.DefaultModelId));
        Assert.Same(h.Client, generator.GetService<IBytezClient>());
        Assert.Null(generator.GetService(typeof(ImageGeneratorMetadata), "some key"));
    }

    [Fact]
    public async Task Velro_OptionsMapped_CountSizeFormatAndReferenceImageGoInTheForm()
    {
        using var h = VelroHarness.Create();
        IImageGenerator generator = h.Client.AsImageGenerator(VelroModel);
        byte[] png = VelroHarness.PngBytes();

        ImageGenerationResponse response = await h.RunAsync(generator.GenerateAsync(
            new ImageGenerationRequest("a red fox", [new DataContent(png, "image/png") { Name = "fox.png" }]),
            new ImageGenerationOptions { Count = 2, ImageSize = new Size(1920, 1080), MediaType = "image/png" }));

        VelroSimulatedCreate create = Assert.Single(h.Creates);
        Assert.True(create.IsMultipart);
        using JsonDocument parameters = JsonDocument.Parse(create.Fields["parameters"]);
        Assert.Equal(2, parameters.RootElement.GetProperty("num_images").GetInt32());
        Assert.Equal("landscape_16_9", parameters.RootElement.GetProperty("image_size").GetString());
        Assert.Equal("png", parameters.RootElement.GetProperty("output_format").GetString());
        Assert.Equal(png, create.ReferenceImage!.Content);
        Assert.NotEmpty(response.Contents);
        Assert.All(response.Contents, c => Assert.IsType<UriContent>(c));
        Assert.Equal(Assert.IsType<VelroGeneration>(response.RawRepresentation).OutputUrls, response.Contents.Select(c => ((UriContent)c).Uri.ToString()));
    }

    [Fact]
    public async Task Velro_ModelNotInTheRegistry_ModelNotFoundBeforeAnyCreate()
    {
        using var h = VelroHarness.Create();

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.RunAsync(h.Client.AsImageGenerator("gpt-4o-mini").GenerateAsync(new ImageGenerationRequest("a fox"))));

        Assert.Equal(GenerationErrorKind.ModelNotFound, error.Kind);
        Assert.Empty(h.Creates);
    }

    [Theory]
    [InlineData(1024, 1024, "square_hd")]
    [InlineData(512, 512, "square")]
    [InlineData(1024, 768, "landscape_4_3")]
    [InlineData(1280, 720, "landscape_16_9")]
    [InlineData(768, 1024, "portrait_4_3")]
    [InlineData(720, 1280, "portrait_16_9")]
    public void Velro_ImageSize_NearestFalSizeName(int width, int height, string expected)
        => Assert.Equal(expected, AI.VelroImageGenerator.FalImageSize(new Size(width, height)));

    [Fact]
    public async Task Registration_KeyedByModelWithMiddleware_ComposesWithMeaiBuilder()
    {
        using var bytez = BytezSimulator.Start();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddGenerationClients(o => o.Bytez = new BytezClientOptions { BaseAddress = bytez.BaseAddress, ApiKeys = ["test-key-1"] });
        services.AddBytezImageGenerator(BytezModel)
            .ConfigureOptions(o => o.Count ??= 2)
            .UseLogging();
        using ServiceProvider provider = services.BuildServiceProvider();

        IImageGenerator generator = provider.GetRequiredKeyedService<IImageGenerator>(BytezModel);
        ImageGenerationResponse response = await generator.GenerateAsync(new ImageGenerationRequest("a fox")).Bounded();

        Assert.NotNull(generator.GetService<LoggingImageGenerator>());
        Assert.NotNull(generator.GetService<IBytezClient>());
        Assert.Equal(2, response.Contents.Count);
        Assert.Equal(2, bytez.Runs.Count);
    }
}
