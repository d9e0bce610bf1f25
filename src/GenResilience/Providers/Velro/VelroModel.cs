using System.Text.Json;

namespace GenResilience;

/// <summary>
/// One model of Velro's registry (<c>GET /api/v1/generations/models/supported</c>).
/// </summary>
public sealed class VelroModel
{
    private IReadOnlyList<string> _supportedFormats = [];
    private IReadOnlyDictionary<string, VelroModelParameter> _parameters = new Dictionary<string, VelroModelParameter>();
    private IReadOnlyDictionary<string, JsonElement> _exampleParams = new Dictionary<string, JsonElement>();

    /// <summary>Gets the id to send as <see cref="VelroGenerationRequest.ModelId"/>, for example <c>fal-ai/flux-pro/v1.1-ultra</c>.</summary>
    public string ModelId { get; init; } = string.Empty;

    /// <summary>Gets the display name.</summary>
    public string? Name { get; init; }

    /// <summary>Gets what the model generates.</summary>
    public VelroModelType Type { get; init; }

    /// <summary>Gets the credits one generation costs.</summary>
    public int Credits { get; init; }

    /// <summary>Gets the largest output, for example <c>2048x2048</c>.</summary>
    public string? MaxResolution { get; init; }

    /// <summary>Gets the output formats, for example <c>jpg</c>, <c>png</c> or <c>mp4</c>.</summary>
    public IReadOnlyList<string> SupportedFormats
    {
        get => _supportedFormats;
        init => _supportedFormats = value ?? [];
    }

    /// <summary>Gets the description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the fal.ai endpoint behind the model.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Gets the parameters the model takes, by name (<c>image_size</c>, <c>duration</c>, ...).</summary>
    public IReadOnlyDictionary<string, VelroModelParameter> Parameters
    {
        get => _parameters;
        init => _parameters = value ?? new Dictionary<string, VelroModelParameter>();
    }

    /// <summary>Gets an example of the parameters, as the registry gives it.</summary>
    public IReadOnlyDictionary<string, JsonElement> ExampleParams
    {
        get => _exampleParams;
        init => _exampleParams = value ?? new Dictionary<string, JsonElement>();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{ModelId} ({Type.ToString().ToLowerInvariant()}, {Credits} credits)";
}
