using System.Globalization;
using GenResilience.AI.Internal;
using Microsoft.Extensions.AI;

namespace GenResilience.AI;

/// <summary>
/// <see cref="IImageGenerator"/> over <see cref="IBytezClient.GenerateImageAsync(string, string, IReadOnlyDictionary{string, object}?, CancellationToken)"/>:
/// one Bytez run per image (<c>Count</c> runs in turn, each through the client's queue), <c>ImageSize</c> as
/// <c>width</c> and <c>height</c>, <c>AdditionalProperties</c> as Bytez <c>params</c>. Bytez answers with an
/// address, so the images are <see cref="UriContent"/> whatever <c>ResponseFormat</c> asks; <c>MediaType</c> is ignored.
/// </summary>
internal sealed class BytezImageGenerator : IImageGenerator
{
    private readonly IBytezClient _client;
    private readonly ImageGeneratorMetadata _metadata;

    public BytezImageGenerator(IBytezClient client, string modelId)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        _client = client;
        _metadata = new ImageGeneratorMetadata("Bytez", BytezClientOptions.DefaultBaseAddress, modelId);
    }

    public async Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string prompt = GeneratorServices.RequirePrompt(request.Prompt, "Bytez");
        string model = options?.ModelId ?? _metadata.DefaultModelId!;
        var parameters = new Dictionary<string, object>(StringComparer.Ordinal);
        if (options?.ImageSize is { } size)
        {
            parameters["width"] = size.Width;
            parameters["height"] = size.Height;
        }

        GeneratorServices.CopyAdditional(options?.AdditionalProperties, parameters);
        int count = Math.Max(1, options?.Count ?? 1);
        var contents = new List<AIContent>(count);
        var addresses = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            string url = await _client.GenerateImageAsync(model, prompt, parameters, cancellationToken).ConfigureAwait(false);
            Uri uri = MediaTypes.Address(url, "Bytez", "image");
            addresses.Add(url);
            contents.Add(new UriContent(uri, MediaTypes.Of(uri, "image")) { AdditionalProperties = new() { ["provider"] = "Bytez", ["modelId"] = model } });
        }

        return new ImageGenerationResponse(contents) { RawRepresentation = new BytezImageResult(model, addresses) };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => GeneratorServices.Get(this, _client, _metadata, serviceType, serviceKey);

    public void Dispose()
    {
        // The client belongs to DI; nothing of ours to release.
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Bytez {_metadata.DefaultModelId}");
}
