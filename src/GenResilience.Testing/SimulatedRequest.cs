using System.Text;

namespace GenResilience.Testing;

/// <summary>
/// One request a <see cref="ProviderSimulator"/> received, for assertions.
/// </summary>
public sealed class SimulatedRequest
{
    internal SimulatedRequest(int sequence, string method, string path, string query, IReadOnlyDictionary<string, string> headers, byte[] body, string? apiKey, DateTimeOffset receivedAt)
    {
        Sequence = sequence;
        Method = method;
        Path = path;
        Query = query;
        Headers = headers;
        Body = body;
        ApiKey = apiKey;
        ReceivedAt = receivedAt;
    }

    /// <summary>Gets the position of this request among all the simulator received, from 1.</summary>
    public int Sequence { get; }

    /// <summary>Gets the HTTP method.</summary>
    public string Method { get; }

    /// <summary>Gets the path, for example <c>/models/v2/openai/gpt-4o</c>.</summary>
    public string Path { get; }

    /// <summary>Gets the query string with its leading <c>?</c>, or empty.</summary>
    public string Query { get; }

    /// <summary>Gets the headers (several values joined by <c>, </c>), case-insensitive.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the raw body.</summary>
    public IReadOnlyList<byte> Body { get; }

    /// <summary>Gets the body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body is byte[] bytes ? bytes : [.. Body]);

    /// <summary>Gets the key the request carried (from <c>Authorization: Bearer|Key &lt;key&gt;</c>, a bare <c>Authorization</c>, or the simulator's key header), or <see langword="null"/>.</summary>
    public string? ApiKey { get; }

    /// <summary>Gets when the request arrived, on the simulator's <see cref="ProviderSimulator.Clock"/>.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>Gets the answer the simulator gave.</summary>
    public SimulatedResponse Response { get; internal set; } = SimulatedResponse.Ok();

    /// <inheritdoc/>
    public override string ToString() => $"#{Sequence} {Method} {Path}{Query} -> {Response}";
}
