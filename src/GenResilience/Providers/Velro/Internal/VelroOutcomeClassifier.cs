namespace GenResilience.Providers.Velro.Internal;

/// <summary>
/// Velro's dialect. Its FastAPI backend answers 400 "Model X not found in registry" for an unknown model, 422 with
/// FastAPI's field list for a form it could not read, 402 "Insufficient credits. Required: X, Available: Y", 401 for an
/// expired session, 404 "Generation not found" for a generation it does not know, and 503 for its own faults. What
/// the pipeline retries is the default (503 among the server errors, 401 rotates the token); what this adds is that a
/// 4xx is reported as what it is, and never as <see cref="GenerationErrorKind.ServiceUnavailable"/>.
/// </summary>
internal sealed class VelroOutcomeClassifier : GenerationOutcomeClassifier
{
    private VelroOutcomeClassifier()
    {
    }

    public static VelroOutcomeClassifier Instance { get; } = new();

    /// <summary>Whether the service's text says the model is not in its registry.</summary>
    public static bool SaysModelNotFound(string? errorText)
        => errorText is not null
            && (errorText.Contains("not found in registry", StringComparison.OrdinalIgnoreCase)
                || (errorText.Contains("model", StringComparison.OrdinalIgnoreCase) && errorText.Contains("not found", StringComparison.OrdinalIgnoreCase)));

    /// <inheritdoc/>
    public override GenerationErrorKind GetErrorKind(int statusCode, string? errorText) => statusCode switch
    {
        400 or 404 when SaysModelNotFound(errorText) => GenerationErrorKind.ModelNotFound,
        404 when errorText?.Contains("generation", StringComparison.OrdinalIgnoreCase) == true => GenerationErrorKind.JobExpired,
        401 or 403 => GenerationErrorKind.Unauthorized,
        402 => GenerationErrorKind.InsufficientCredits,
        408 => GenerationErrorKind.Timeout,
        429 => GenerationErrorKind.RateLimited,
        >= 400 and < 500 => GenerationErrorKind.InvalidRequest,
        >= 500 and < 600 => GenerationErrorKind.ServiceUnavailable,
        _ => GenerationErrorKind.Unknown,
    };
}
