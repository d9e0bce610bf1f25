using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace GenResilience.Providers.Bytez.Internal;

/// <summary>
/// The body of <c>POST /models/v2/{modelId}</c>: <c>{"text": ..., "params": {...}}</c>, with the other inputs a task
/// may need (<c>url</c>, <c>base64</c>, <c>messages</c>, and any further field).
/// </summary>
internal sealed class BytezRunBody
{
    public string? Text { get; set; }

    public string? Url { get; set; }

    public string? Base64 { get; set; }

    public IList<BytezMessage>? Messages { get; set; }

    public JsonObject? Params { get; set; }

    /// <summary>Gets further top-level fields (<c>question</c>, <c>context</c>, ...), written beside the others.</summary>
    [JsonExtensionData]
    public JsonObject? Inputs { get; set; }
}
