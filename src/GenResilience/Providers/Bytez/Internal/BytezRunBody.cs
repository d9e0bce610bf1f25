using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenResilience.Providers.Bytez.Internal;

/// <summary>
/// The body of <c>POST /models/v2/{modelId}</c>: <c>{"text": ..., "params": {...}}</c>, with the other inputs a task
/// may need (<c>url</c>, <c>base64</c>, <c>messages</c>, and any further field). Written by hand rather than by the
/// JSON context: the source-generated writer of a <see cref="JsonObject"/> extension-data property emits the further
/// fields as a nested object (<c>..."params":{...},{"stream":false}}</c>, seen on .NET 10), which is not valid JSON.
/// </summary>
internal sealed class BytezRunBody
{
    public string? Text { get; set; }

    public string? Url { get; set; }

    public string? Base64 { get; set; }

    public IList<BytezMessage>? Messages { get; set; }

    public JsonObject? Params { get; set; }

    /// <summary>Gets or sets further top-level fields (<c>question</c>, <c>context</c>, ...), written after the others.</summary>
    public JsonObject? Inputs { get; set; }

    /// <summary>The body as UTF-8 JSON; fields that are <see langword="null"/> are left out.</summary>
    public byte[] ToUtf8Bytes()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteString(writer, "text", Text);
            WriteString(writer, "url", Url);
            WriteString(writer, "base64", Base64);
            if (Messages is not null)
            {
                writer.WriteStartArray("messages");
                foreach (BytezMessage message in Messages)
                {
                    writer.WriteStartObject();
                    writer.WriteString("role", message.Role);
                    writer.WriteString("content", message.Content);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            if (Params is not null)
            {
                writer.WritePropertyName("params");
                Params.WriteTo(writer);
            }

            foreach (KeyValuePair<string, JsonNode?> input in Inputs ?? [])
            {
                writer.WritePropertyName(input.Key);
                if (input.Value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    input.Value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
