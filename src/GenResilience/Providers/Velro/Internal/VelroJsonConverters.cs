using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenResilience.Providers.Velro.Internal;

/// <summary>Reads <c>image</c>, <c>video</c>, <c>audio</c>; anything else is <see cref="VelroModelType.Unknown"/>, never an error.</summary>
internal sealed class VelroModelTypeConverter : JsonConverter<VelroModelType>
{
    public override VelroModelType Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => reader.TokenType != JsonTokenType.String ? Skip(ref reader) : reader.GetString()?.Trim().ToUpperInvariant() switch
        {
            "IMAGE" => VelroModelType.Image,
            "VIDEO" => VelroModelType.Video,
            "AUDIO" => VelroModelType.Audio,
            _ => VelroModelType.Unknown,
        };

    public override void Write(Utf8JsonWriter writer, VelroModelType value, JsonSerializerOptions options)
        => writer.WriteStringValue(value.ToString().ToLowerInvariant());

    private static VelroModelType Skip(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return VelroModelType.Unknown;
    }
}

/// <summary>Reads Velro's statuses (and the async API's <c>queued</c>); anything else is <see cref="VelroGenerationStatus.Unknown"/>.</summary>
internal sealed class VelroGenerationStatusConverter : JsonConverter<VelroGenerationStatus>
{
    public override VelroGenerationStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return VelroGenerationStatus.Unknown;
        }

        return reader.GetString()?.Trim().ToUpperInvariant() switch
        {
            "PENDING" or "QUEUED" => VelroGenerationStatus.Pending,
            "PROCESSING" or "RUNNING" or "IN_PROGRESS" => VelroGenerationStatus.Processing,
            "COMPLETED" or "SUCCEEDED" => VelroGenerationStatus.Completed,
            "FAILED" or "ERROR" => VelroGenerationStatus.Failed,
            "CANCELLED" or "CANCELED" => VelroGenerationStatus.Cancelled,
            _ => VelroGenerationStatus.Unknown,
        };
    }

    public override void Write(Utf8JsonWriter writer, VelroGenerationStatus value, JsonSerializerOptions options)
        => writer.WriteStringValue(value.ToString().ToLowerInvariant());
}

/// <summary>
/// Reads a timestamp in any ISO 8601 form the backend writes (Python's <c>isoformat()</c>, with or without an offset;
/// without one it is UTC); an unreadable one is <see langword="null"/> rather than a failed call.
/// </summary>
internal sealed class VelroTimestampConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }

        return DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value)
            ? value
            : null;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            writer.WriteStringValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>
/// Reads a model's <c>parameters</c> leniently: an object of parameter descriptions, where an entry that does not
/// read as one counts as a parameter with no rules, or a list of names. The registry is the client's guide, not
/// something to fail a call over.
/// </summary>
internal sealed class VelroParameterMapConverter : JsonConverter<IReadOnlyDictionary<string, VelroModelParameter>>
{
    private static readonly VelroModelParameter NoRules = new();

    public override IReadOnlyDictionary<string, VelroModelParameter> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var map = new Dictionary<string, VelroModelParameter>(StringComparer.Ordinal);
        using JsonDocument document = JsonDocument.ParseValue(ref reader);
        JsonElement root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty entry in root.EnumerateObject())
            {
                map[entry.Name] = ReadOne(entry.Value);
            }
        }
        else if (root.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement name in root.EnumerateArray())
            {
                if (name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } text)
                {
                    map[text] = NoRules;
                }
            }
        }

        return map;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, VelroModelParameter> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (KeyValuePair<string, VelroModelParameter> entry in value)
        {
            writer.WritePropertyName(entry.Key);
            JsonSerializer.Serialize(writer, entry.Value, VelroJsonContext.Default.VelroModelParameter);
        }

        writer.WriteEndObject();
    }

    private static VelroModelParameter ReadOne(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return NoRules;
        }

        try
        {
            return value.Deserialize(VelroJsonContext.Default.VelroModelParameter) ?? NoRules;
        }
        catch (JsonException)
        {
            return NoRules;
        }
    }
}
