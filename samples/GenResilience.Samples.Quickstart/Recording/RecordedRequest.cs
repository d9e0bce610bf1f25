namespace GenResilience.Samples.Quickstart;

/// <summary>One HTTP request a call sent, as the provider received it.</summary>
/// <param name="Method">GET, POST, ...</param>
/// <param name="Path">The path, without the query.</param>
/// <param name="Key">The fingerprint of the key it carried (<c>…0002</c>), or <see langword="null"/> for none.</param>
/// <param name="StatusCode">The answer's status, or <see langword="null"/> while it is under way or when none came.</param>
internal sealed record RecordedRequest(string Method, string Path, string? Key, int? StatusCode)
{
    /// <summary>Gets a value indicating whether this request asked for a generation (a create or a run), which is what a retry repeats.</summary>
    public bool IsAttempt => Method == "POST";
}
