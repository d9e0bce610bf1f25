using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenResilience.Providers.Bytez.Internal;

/// <summary>
/// Bytez's answers, read without reflection (trim and AOT safe). The run body is written by <see cref="BytezRunBody"/>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BytezEnvelope))]
[JsonSerializable(typeof(BytezErrorEnvelope))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class BytezJsonContext : JsonSerializerContext;
