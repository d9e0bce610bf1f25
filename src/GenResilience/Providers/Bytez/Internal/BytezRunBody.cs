using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace GenResilience.Providers.Bytez.Internal;

/// <summary>
/// The body of <c>POST /models/v2/{modelId}</c>: <c>{"text": ..., "params": {...}}</c>, with the other inputs a task
/// may need (<c>url</c>, <c>base64</c>, <c>messages</c>, and any further field).
/// </summary>
internal sealed class BytezRunBody
{
    public string? Text { get; init; }

    public string? Url { get; init; }

    public string? Base64 { get; init; }

    public IList<BytezMessage>? Messages { get; init; }

    public JsonObject? Params { get; init; }

    /// <summary>Gets further top-level fields (<c>question</c>, <c>context</c>, ...), written beside the others.</summary>
    [JsonExtensionData]
    public JsonObject? Inputs { get; init; }
}
