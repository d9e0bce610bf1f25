using System.Text.Json;

namespace GenResilience;

/// <summary>
/// What a Bytez model run returned: its <c>output</c> and the whole JSON answer.
/// </summary>
public sealed class BytezResult
{
    /// <summary>Initializes a new instance of the <see cref="BytezResult"/> class, for example in a test double of <see cref="IBytezClient"/>.</summary>
    /// <param name="output">The <c>output</c> of the answer.</param>
    /// <param name="rawJson">The whole JSON answer.</param>
    public BytezResult(JsonElement output, string rawJson)
    {
        ArgumentNullException.ThrowIfNull(rawJson);
        Output = output;
        RawJson = rawJson;
    }

    /// <summary>Gets the model's output: a string (the address of a generated image or video, or text), an object or an array.</summary>
    public JsonElement Output { get; }

    /// <summary>Gets the output when it is a string, otherwise <see langword="null"/>.</summary>
    public string? OutputText => Output.ValueKind == JsonValueKind.String ? Output.GetString() : null;

    /// <summary>Gets the output when it is the absolute http or https address of a result (an image, a video), otherwise <see langword="null"/>.</summary>
    public string? OutputUrl
        => OutputText is { } text && Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && uri.Scheme is "https" or "http" ? text : null;

    /// <summary>Gets the whole JSON answer, as Bytez sent it.</summary>
    public string RawJson { get; }

    /// <inheritdoc/>
    public override string ToString() => OutputText ?? Output.GetRawText();
}
