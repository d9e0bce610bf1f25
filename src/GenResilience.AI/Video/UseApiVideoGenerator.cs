using System.Globalization;
using GenResilience.AI.Internal;
using Microsoft.Extensions.AI;

namespace GenResilience.AI;

/// <summary>
/// <see cref="IVideoGenerator"/> over <see cref="IUseApiClient.GenerateVideoAsync"/> (LTX Studio models and Google
/// Flow): the model in any spelling <see cref="UseApiModel.Parse"/> takes; <c>Duration</c> in whole seconds;
/// <c>AspectRatio</c>, <c>Resolution</c> (VEO), <c>Seed</c> and <c>Count</c> (Flow) as UseAPI's fields; a
/// <see cref="DataContent"/> reference image uploaded as the start image. A reference image given as an address is
/// not used (UseAPI takes uploads only) and a warning says so, as does any option the model does not take.
/// </summary>
internal sealed class UseApiVideoGenerator : IVideoGenerator
{
    private readonly IUseApiClient _client;
    private readonly VideoGeneratorMetadata _metadata;

    public UseApiVideoGenerator(IUseApiClient client, UseApiModel model, Uri? providerUri)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(model);
        _client = client;
        _metadata = new VideoGeneratorMetadata("UseApi", providerUri, model.WireName);
    }

    public async Task<VideoGenerationResponse> GenerateAsync(VideoGenerationRequest request, VideoGenerationOptions? options = null, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string prompt = GeneratorServices.RequirePrompt(request.Prompt, "UseApi");
        UseApiModel model = options?.ModelId is { } id ? ParseModel(id) : UseApiModel.Parse(_metadata.DefaultModelId!);
        var warnings = new List<string>();
        UseApiUpload? image = null;
        switch (request.ReferenceImage)
        {
            case DataContent data:
                ReadOnlyMemory<byte> bytes = data.Data;
                image = UseApiUpload.FromStream(() => new MemoryStream(bytes.ToArray(), writable: false), data.MediaType, data.Name);
                break;
            case UriContent:
                warnings.Add("UseAPI takes an uploaded start image, not an address: the reference image was not used. Pass its bytes as DataContent.");
                break;
        }

        if (options?.Resolution is not null && model.Family != UseApiModelFamily.Veo)
        {
            warnings.Add($"{model.DisplayName} takes no resolution: '{options.Resolution}' was ignored.");
        }

        if (options?.Count is > 1 && model.Family != UseApiModelFamily.Flow)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{model.DisplayName} makes one video per job: Count {options.Count} was ignored."));
        }

        if (options?.AdditionalProperties is { Count: > 0 } extra)
        {
            warnings.Add($"UseAPI has no free-form parameters: {string.Join(", ", extra.Keys)} ignored.");
        }

        var useApi = new UseApiVideoRequest
        {
            Prompt = prompt,
            Model = model,
            Duration = options?.Duration is { } duration ? (int)Math.Round(duration.TotalSeconds) : null,
            AspectRatio = options?.AspectRatio,
            Resolution = model.Family == UseApiModelFamily.Veo ? options?.Resolution : null,
            Seed = options?.Seed,
            Count = model.Family == UseApiModelFamily.Flow ? options?.Count : null,
            ReferenceImage = image,
        };
        UseApiVideoResult result = await _client.GenerateVideoAsync(useApi, progress, cancellationToken).ConfigureAwait(false);
        warnings.AddRange(result.Warnings);
        return new VideoGenerationResponse([new UriContent(result.AssetUrl, MediaTypes.Of(result.AssetUrl, "video"))])
        {
            ModelId = result.Model.WireName,
            ProviderName = "UseApi",
            Warnings = warnings,
            RawRepresentation = result,
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => GeneratorServices.Get(this, _client, _metadata, serviceType, serviceKey);

    public void Dispose()
    {
        // The client belongs to DI; nothing of ours to release.
    }

    private static UseApiModel ParseModel(string id)
        => UseApiModel.TryParse(id, out UseApiModel? model)
            ? model
            : throw new GenerationException(GenerationErrorKind.ModelNotFound, "UseApi", $"UseApi: '{id}' is not a UseAPI model. Accepted: {string.Join(", ", UseApiModel.All)}.");
}
