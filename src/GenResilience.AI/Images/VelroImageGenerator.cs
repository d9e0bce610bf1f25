using System.Drawing;
using GenResilience.AI.Internal;
using Microsoft.Extensions.AI;

namespace GenResilience.AI;

/// <summary>
/// <see cref="IImageGenerator"/> over <see cref="IVelroClient.GenerateAsync"/>: <c>Count</c> as <c>num_images</c>,
/// <c>ImageSize</c> as the nearest of fal's <c>image_size</c> names (<c>square_hd</c>, <c>landscape_16_9</c>, ...),
/// <c>MediaType</c> <c>image/png</c> or <c>image/jpeg</c> as <c>output_format</c>, the first original image as the
/// reference image, and <c>AdditionalProperties</c> as Velro parameters. The images are <see cref="UriContent"/>
/// whatever <c>ResponseFormat</c> asks (Velro answers with addresses).
/// </summary>
internal sealed class VelroImageGenerator : IImageGenerator
{
    private readonly IVelroClient _client;
    private readonly ImageGeneratorMetadata _metadata;

    public VelroImageGenerator(IVelroClient client, string modelId, Uri? providerUri)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        _client = client;
        _metadata = new ImageGeneratorMetadata("Velro", providerUri, modelId);
    }

    public async Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var velro = new VelroGenerationRequest(options?.ModelId ?? _metadata.DefaultModelId!, GeneratorServices.RequirePrompt(request.Prompt, "Velro"))
        {
            NumImages = options?.Count,
            ImageSize = options?.ImageSize is { } size ? FalImageSize(size) : null,
            OutputFormat = options?.MediaType switch
            {
                "image/png" => "png",
                "image/jpeg" or "image/jpg" => "jpeg",
                _ => null,
            },
        };
        switch (request.OriginalImages?.FirstOrDefault())
        {
            case DataContent data:
                velro.ReferenceImage = VelroReferenceImage.FromBytes(data.Data, data.Name ?? "reference" + Extension(data.MediaType), data.MediaType);
                break;
            case UriContent uri:
                velro.ReferenceImageUrl = uri.Uri.ToString();
                break;
        }

        GeneratorServices.CopyAdditional(options?.AdditionalProperties, velro.Parameters);
        VelroGeneration generation = await _client.GenerateAsync(velro, progress: null, cancellationToken).ConfigureAwait(false);
        List<AIContent> contents = [.. generation.OutputUrls.Select(url => MediaTypes.Address(url, "Velro", "image")).Select(uri =>
            (AIContent)new UriContent(uri, MediaTypes.Of(uri, "image")) { AdditionalProperties = new() { ["provider"] = "Velro", ["modelId"] = velro.ModelId } })];
        return new ImageGenerationResponse(contents) { RawRepresentation = generation };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => GeneratorServices.Get(this, _client, _metadata, serviceType, serviceKey);

    public void Dispose()
    {
        // The client belongs to DI; nothing of ours to release.
    }

    /// <summary>fal's size names: square (hd from 1024), or the nearer of 4:3 and 16:9 either way.</summary>
    internal static string FalImageSize(Size size)
    {
        if (size.Width <= 0 || size.Height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "An image size needs a positive width and height.");
        }

        double ratio = (double)size.Width / size.Height;
        if (Math.Abs(ratio - 1) < 0.1)
        {
            return Math.Min(size.Width, size.Height) >= 1024 ? "square_hd" : "square";
        }

        double wide = Math.Max(ratio, 1 / ratio);
        string shape = Math.Abs(wide - (16.0 / 9)) < Math.Abs(wide - (4.0 / 3)) ? "16_9" : "4_3";
        return (ratio > 1 ? "landscape_" : "portrait_") + shape;
    }

    private static string Extension(string mediaType) => mediaType switch
    {
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/webp" => ".webp",
        _ => string.Empty,
    };
}
