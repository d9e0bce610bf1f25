using System.Text.Json;

namespace GenResilience.Providers.Bytez.Internal;

/// <summary>
/// Every Bytez answer: <c>{"error": null | "...", "output": ...}</c>. A 200 whose <c>error</c> is not null is a failure.
/// </summary>
internal sealed class BytezEnvelope
{
    public JsonElement Error { get; init; }

    public JsonElement Output { get; init; }

    public JsonElement Message { get; init; }

    /// <summary>Gets the error text, or <see langword="null"/> when there is none.</summary>
    public string? ErrorText => BytezErrorText.Of(Error, Message);
}
