using System.Globalization;
using GenResilience.AI.Internal;
using Microsoft.Extensions.AI;

namespace GenResilience.AI;

/// <summary>
/// <see cref="IVideoGenerator"/> over <see cref="IVelroClient.GenerateAsync"/> for Velro's video models: <c>Duration</c>
/// in seconds, <c>AspectRatio</c>, <c>Seed</c> and <c>AdditionalProperties</c> as Velro parameters (checked against the
/// model's registry entry before anything is sent), the reference image as a file or an address. <c>Resolution</c>
/// and <c>Count</c> are not Velro video parameters; a warning says when they were ignored.
/// </summary>
internal sealed class VelroVideoGenerator : IVideoGenerator
{
    private readonly IVelroClient _client;
    private readonly VideoGeneratorMetadata _metadata;

    public VelroVideoGenerator(IVelroClient client, string modelId, Uri? providerUri)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        _client = client;
        _metadata = new VideoGeneratorMetadata("Velro", providerUri, modelId);
    }

    public async Task<VideoGenerationResponse> GenerateAsync(VideoGenerationRequest request, VideoGenerationOptions? options = null, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var warnings = new List<string>();
        var velro = new VelroGenerationRequest(options?.ModelId ?? _metadata.DefaultModelId!, GeneratorServices.RequirePrompt(request.Prompt, "Velro"))
        {
            Duration = options?.Duration?.TotalSeconds,
            AspectRatio = options?.AspectRatio,
        };
        if (options?.Seed is { } seed)
        {
            velro.Parameters["seed"] = seed;
        }

        if (options?.Resolution is not null)
        {
            warnings.Add($"Velro video models take no resolution: '{options.Resolution}' was ignored (use AdditionalProperties[\"quality\"] where the model has it).");
        }

        if (options?.Count is > 1)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"Velro makes one video per generation: Count {options.Count} was ignored."));
        }

        switch (request.ReferenceImage)
        {
            case DataContent data:
                velro.ReferenceImage = VelroReferenceImage.FromBytes(data.Data, data.Name ?? "reference", data.MediaType);
                break;
            case UriContent uri:
                velro.ReferenceImageUrl = uri.Uri.ToString();
                break;
        }

        GeneratorServices.CopyAdditional(options?.AdditionalProperties, velro.Parameters);
        VelroGeneration generation = await _client.GenerateAsync(velro, progress, cancellationToken).ConfigureAwait(false);
        List<AIContent> contents = [.. generation.OutputUrls.Select(url => MediaTypes.Address(url, "Velro", "video")).Select(uri => (AIContent)new UriContent(uri, MediaTypes.Of(uri, "video")))];
        return new VideoGenerationResponse(contents)
        {
            ModelId = generation.ModelId ?? velro.ModelId,
            ProviderName = "Velro",
            Warnings = warnings,
            RawRepresentation = generation,
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => GeneratorServices.Get(this, _client, _metadata, serviceType, serviceKey);

    public void Dispose()
    {
        // The client belongs to DI; nothing of ours to release.
    }
}
