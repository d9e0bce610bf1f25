namespace GenResilience;

/// <summary>
/// How far a generation job has come, reported through <see cref="IProgress{T}"/> each time it changes.
/// </summary>
/// <param name="JobId">The provider's job id.</param>
/// <param name="Status">The provider's status, as it says it (<c>active</c>, <c>processing</c>, <c>completed</c>, ...).</param>
/// <param name="Percent">How far along the job is, 0 to 100, when the provider says; otherwise <see langword="null"/>.</param>
/// <param name="Elapsed">How long the wait has lasted so far.</param>
public sealed record GenerationProgress(string JobId, string Status, int? Percent, TimeSpan Elapsed)
{
    /// <inheritdoc/>
    public override string ToString()
        => Percent is { } percent ? $"{Status} {percent}% ({Elapsed.TotalSeconds:0}s)" : $"{Status} ({Elapsed.TotalSeconds:0}s)";
}
