using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenResilience.Providers.Bytez.Internal;

/// <summary>
/// Every Bytez body, read and written without reflection (trim and AOT safe).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BytezRunBody))]
[JsonSerializable(typeof(BytezEnvelope))]
[JsonSerializable(typeof(BytezErrorEnvelope))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class BytezJsonContext : JsonSerializerContext;
