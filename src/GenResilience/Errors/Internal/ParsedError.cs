namespace GenResilience.Errors.Internal;

/// <summary>
/// What an error body said, in whatever dialect it was written.
/// </summary>
internal sealed record ParsedError(string? Message, string? Code, IReadOnlyList<GenerationValidationError> ValidationErrors)
{
    public static ParsedError Empty { get; } = new(null, null, []);
}
