using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenResilience.Providers.Velro.Internal;

/// <summary>
/// The <c>parameters</c> form field: the typed parameters that are set, then the free-form ones, as one JSON object.
/// </summary>
/// <remarks>
/// Settable, not init-only: System.Text.Json's source generator binds init-only properties like constructor
/// parameters, and an extension-data property cannot be one (the context throws InvalidOperationException the first
/// time this type is used).
/// </remarks>
internal sealed class VelroParametersPayload
{
    public string? ImageSize { get; set; }

    public int? NumImages { get; set; }

    public string? OutputFormat { get; set; }

    public double? Duration { get; set; }

    public string? AspectRatio { get; set; }

    public string? Quality { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? More { get; set; }
}
