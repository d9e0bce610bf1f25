namespace GenResilience;

/// <summary>
/// UseAPI's dialect: a 429 that says "query is full" is an account without a free job slot (the client moves to the
/// next account), not a rate limit on the token; 422 is a moderated prompt; the rest is read by status.
/// </summary>
public sealed class UseApiOutcomeClassifier : GenerationOutcomeClassifier
{
    /// <summary>Gets the shared instance.</summary>
    public static UseApiOutcomeClassifier Instance { get; } = new();

    /// <inheritdoc/>
    public override async ValueTask<GenerationOutcomeKind> ClassifyAsync(HttpResponseMessage response, GenerationResilienceOptions options, CancellationToken cancellationToken)
    {
        GenerationOutcomeKind kind = await base.ClassifyAsync(response, options, cancellationToken).ConfigureAwait(false);
        if (kind != GenerationOutcomeKind.RateLimited)
        {
            return kind;
        }

        // ReadAsStringAsync buffers the body, so the caller can still read it.
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return IsQueryFull(body) ? GenerationOutcomeKind.Failure : kind;
    }

    /// <inheritdoc/>
    public override GenerationErrorKind GetErrorKind(int statusCode, string? errorText) => statusCode switch
    {
        422 => GenerationErrorKind.ContentRejected,
        429 when IsQueryFull(errorText) => GenerationErrorKind.NoAccountAvailable,
        _ => base.GetErrorKind(statusCode, errorText),
    };

    /// <summary>UseAPI's answer when an account's job slots are all taken: "API query is full and can not accept new jobs".</summary>
    internal static bool IsQueryFull(string? text)
        => text is not null && text.Contains("full", StringComparison.OrdinalIgnoreCase) && text.Contains("quer", StringComparison.OrdinalIgnoreCase);
}
