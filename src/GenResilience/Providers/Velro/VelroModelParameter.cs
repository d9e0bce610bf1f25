using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenResilience;

/// <summary>
/// What the registry says about one parameter of a model (<c>{"type","default","enum","min","max"}</c>). The client
/// checks <see cref="VelroGenerationRequest"/>'s typed parameters against it before sending.
/// </summary>
public sealed class VelroModelParameter
{
    /// <summary>Gets the JSON type: <c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Gets a value indicating whether the parameter is required.</summary>
    public bool Required { get; init; }

    /// <summary>Gets the value the model uses when the parameter is not sent.</summary>
    public JsonElement? Default { get; init; }

    /// <summary>Gets the values allowed (the registry's <c>enum</c>); empty when any value of the type is.</summary>
    [JsonPropertyName("enum")]
    public IReadOnlyList<JsonElement> AllowedValues { get; init; } = [];

    /// <summary>Gets the smallest value allowed (<c>min</c>), for numbers.</summary>
    [JsonPropertyName("min")]
    public double? Minimum { get; init; }

    /// <summary>Gets the largest value allowed (<c>max</c>), for numbers.</summary>
    [JsonPropertyName("max")]
    public double? Maximum { get; init; }

    /// <summary>Gets the longest text allowed, for strings.</summary>
    public int? MaxLength { get; init; }
}
