using GenResilience.AI.Internal;
using Microsoft.Extensions.AI;

namespace GenResilience.AI;

/// <summary>
/// <see cref="IVideoGenerator"/> over <see cref="IBytezClient.GenerateVideoAsync(string, string, IReadOnlyDictionary{string, object}?, CancellationToken)"/>
/// (each attempt bounded by <c>VideoTimeout</c>): the prompt and <c>AdditionalProperties</c> as Bytez <c>params</c>.
/// Bytez text-to-video models take their own parameters, so <c>Duration</c>, <c>AspectRatio</c>, <c>Resolution</c>,
/// <c>Seed</c>, <c>Count</c> and a reference image are not mapped; a warning names each one that was ignored.
/// </summary>
internal sealed class BytezVideoGenerator : IVideoGenerator
{
    private readonly IBytezClient _client;
    private readonly VideoGeneratorMetadata _metadata;

    public BytezVideoGenerator(IBytezClient client, string modelId)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        _client = client;
        _metadata = new VideoGeneratorMetadata("Bytez", BytezClientOptions.DefaultBaseAddress, modelId);
    }

    public async Task<VideoGenerationResponse> GenerateAsync(VideoGenerationRequest request, VideoGenerationOptions? options = null, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string prompt = GeneratorServices.RequirePrompt(request.Prompt, "Bytez");
        string model = options?.ModelId ?? _metadata.DefaultModelId!;
        var ignored = new List<string>();
        if (options?.Duration is not null)
        {
            ignored.Add("Duration");
        }

        if (options?.AspectRatio is not null)
        {
            ignored.Add("AspectRatio");
        }

        if (options?.Resolution is not null)
        {
            ignored.Add("Resolution");
        }

        if (options?.Seed is not null)
        {
            ignored.Add("Seed");
        }

        if (options?.Count is > 1)
        {
            ignored.Add("Count");
        }

        if (request.ReferenceImage is not null)
        {
            ignored.Add("ReferenceImage");
        }

        var parameters = new Dictionary<string, object>(StringComparer.Ordinal);
        GeneratorServices.CopyAdditional(options?.AdditionalProperties, parameters);
        string url = await _client.GenerateVideoAsync(model, prompt, parameters, cancellationToken).ConfigureAwait(false);
        Uri uri = MediaTypes.Address(url, "Bytez", "video");
        return new VideoGenerationResponse([new UriContent(uri, MediaTypes.Of(uri, "video"))])
        {
            ModelId = model,
            ProviderName = "Bytez",
            Warnings = ignored.Count == 0 ? [] : [$"Bytez video models take their own parameters (pass them in AdditionalProperties): {string.Join(", ", ignored)} ignored."],
            RawRepresentation = url,
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => GeneratorServices.Get(this, _client, _metadata, serviceType, serviceKey);

    public void Dispose()
    {
        // The client belongs to DI; nothing of ours to release.
    }
}
