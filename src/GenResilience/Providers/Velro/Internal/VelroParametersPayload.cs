using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenResilience.Providers.Velro.Internal;

/// <summary>
/// The <c>parameters</c> form field: the typed parameters that are set, then the free-form ones, as one JSON object.
/// </summary>
internal sealed class VelroParametersPayload
{
    public string? ImageSize { get; init; }

    public int? NumImages { get; init; }

    public string? OutputFormat { get; init; }

    public double? Duration { get; init; }

    public string? AspectRatio { get; init; }

    public string? Quality { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? More { get; init; }
}
