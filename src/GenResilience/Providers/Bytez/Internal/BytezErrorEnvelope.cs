using System.Text.Json;

namespace GenResilience.Providers.Bytez.Internal;

/// <summary>
/// The error part of a Bytez answer, read by the classifier without copying the output.
/// </summary>
internal sealed class BytezErrorEnvelope
{
    public JsonElement Error { get; init; }

    public JsonElement Message { get; init; }

    /// <summary>Gets the error text, or <see langword="null"/> when there is none.</summary>
    public string? ErrorText => BytezErrorText.Of(Error, Message);
}
