using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenResilience.Providers.Velro.Internal;

/// <summary>
/// Every JSON body of the Velro client, source generated (trim and AOT safe): the registry, generations, the account,
/// and the <c>parameters</c> form field with the value types its free-form entries may hold. Velro writes snake_case.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(VelroModelTypeConverter), typeof(VelroGenerationStatusConverter), typeof(VelroTimestampConverter), typeof(VelroParameterMapConverter)])]
[JsonSerializable(typeof(VelroModelsResponse))]
[JsonSerializable(typeof(VelroGeneration))]
[JsonSerializable(typeof(VelroUser))]
[JsonSerializable(typeof(VelroModelParameter))]
[JsonSerializable(typeof(VelroParametersPayload))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(float))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(long[]))]
[JsonSerializable(typeof(double[]))]
[JsonSerializable(typeof(object[]))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<int>))]
[JsonSerializable(typeof(List<double>))]
[JsonSerializable(typeof(List<object>))]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class VelroJsonContext : JsonSerializerContext
{
}
