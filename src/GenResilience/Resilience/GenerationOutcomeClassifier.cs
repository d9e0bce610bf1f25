using GenResilience.Resilience;

namespace GenResilience;

/// <summary>
/// Decides what a response means to the pipeline and which <see cref="GenerationErrorKind"/> a final failure is.
/// </summary>
/// <remarks>
/// The default reads the status code only: 2xx and 3xx succeed, 429 is a rate limit, codes in
/// <see cref="GenerationResilienceOptions.KeyRejectedStatusCodes"/> reject the key, codes in
/// <see cref="GenerationResilienceOptions.RetryStatusCodes"/> are server errors and anything else is final.
/// A provider whose failures hide in a 200 body overrides <see cref="ClassifyAsync"/>, reading the body when needed
/// (buffer it first with <see cref="HttpContent.LoadIntoBufferAsync()"/> so the caller can still read it).
/// Instances are shared by concurrent requests and must be thread-safe.
/// </remarks>
public class GenerationOutcomeClassifier
{
    /// <summary>
    /// Gets the classifier that reads status codes only.
    /// </summary>
    public static GenerationOutcomeClassifier Default { get; } = new();

    /// <summary>
    /// Classifies one response.
    /// </summary>
    /// <param name="response">The response of the attempt.</param>
    /// <param name="options">The options of the client that made it.</param>
    /// <param name="cancellationToken">Cancels reading the body, where a classifier reads it.</param>
    /// <returns>What the response means to the pipeline.</returns>
    public virtual ValueTask<GenerationOutcomeKind> ClassifyAsync(
        HttpResponseMessage response,
        GenerationResilienceOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(options);
        return new ValueTask<GenerationOutcomeKind>(ClassifyStatus((int)response.StatusCode, options));
    }

    /// <summary>
    /// Maps a final failure to the kind of error the caller sees.
    /// </summary>
    /// <param name="statusCode">The HTTP status of the last response.</param>
    /// <param name="errorText">The service's own error text, when its body had one.</param>
    /// <returns>The kind of error.</returns>
    public virtual GenerationErrorKind GetErrorKind(int statusCode, string? errorText)
    {
        if (statusCode is 400 or 404 && errorText is not null
            && errorText.Contains("model", StringComparison.OrdinalIgnoreCase)
            && errorText.Contains("not found", StringComparison.OrdinalIgnoreCase))
        {
            return GenerationErrorKind.ModelNotFound;
        }

        return statusCode switch
        {
            401 or 403 => GenerationErrorKind.Unauthorized,
            402 => GenerationErrorKind.InsufficientCredits,
            408 => GenerationErrorKind.Timeout,
            GenerationResilienceConstants.RateLimitStatusCode => GenerationErrorKind.RateLimited,
            >= 400 and < 500 => GenerationErrorKind.InvalidRequest,
            >= 500 and < 600 => GenerationErrorKind.ServiceUnavailable,
            _ => GenerationErrorKind.Unknown,
        };
    }

    /// <summary>
    /// Classifies a status code by the options' lists; the building block of <see cref="ClassifyAsync"/>.
    /// </summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="options">The options of the client.</param>
    /// <returns>What the status means to the pipeline.</returns>
    protected static GenerationOutcomeKind ClassifyStatus(int statusCode, GenerationResilienceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        if (statusCode is >= 200 and < 400)
        {
            return GenerationOutcomeKind.Success;
        }

        if (statusCode == GenerationResilienceConstants.RateLimitStatusCode)
        {
            return GenerationOutcomeKind.RateLimited;
        }

        if (options.KeyRejectedStatusCodes.Contains(statusCode))
        {
            return GenerationOutcomeKind.KeyRejected;
        }

        return options.RetryStatusCodes.Contains(statusCode) ? GenerationOutcomeKind.ServerError : GenerationOutcomeKind.Failure;
    }
}
