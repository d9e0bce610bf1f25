using System.Text.Json;
using GenResilience.Providers.Bytez.Internal;

namespace GenResilience;

/// <summary>
/// Bytez's dialect: reads the <c>{"error", "output"}</c> envelope of every 200 once per attempt, because Bytez sends
/// failures inside a 200 body, and tells a 403 about the key from a 403 about the request.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A 200 whose <c>error</c> is null is a success. Its <c>error</c> text decides otherwise: a rate limit
/// (<c>429 You exceeded your current quota</c>, "rate limit") is a rate limit; <c>Unauthorized</c> or no credits
/// left rejects the key; a cold start ("model is loading") is a server error, retried after
/// <see cref="GenerationResilienceOptions.RetryDelays"/>; anything else is a final failure carrying the service's text.</item>
/// <item>A 200 whose body is not JSON, or is cut off, is a final failure (the client reports it as
/// <see cref="GenerationErrorKind.Unknown"/>); it is not retried, since the run may have been paid for.</item>
/// <item>A 403 rejects the key only when Bytez says so (<c>{"error":"Unauthorized"}</c>, or no text at all); a 403
/// about the model (gated, not in the plan) is that request's final failure and leaves the key alone.</item>
/// <item>Everything else is read by status as <see cref="GenerationOutcomeClassifier"/> does: 401 and 402 reject
/// the key, 429 is a rate limit, 5xx and Cloudflare's 522/523 are server errors.</item>
/// </list>
/// </remarks>
public class BytezOutcomeClassifier : GenerationOutcomeClassifier
{
    /// <summary>Gets the classifier <see cref="BytezClientOptions"/> uses by default.</summary>
    public static BytezOutcomeClassifier Instance { get; } = new();

    /// <inheritdoc/>
    public override async ValueTask<GenerationOutcomeKind> ClassifyAsync(
        HttpResponseMessage response,
        GenerationResilienceOptions options,
        CancellationToken cancellationToken)
    {
        GenerationOutcomeKind kind = await base.ClassifyAsync(response, options, cancellationToken).ConfigureAwait(false);
        int status = (int)response.StatusCode;

        if (kind == GenerationOutcomeKind.Success && status is >= 200 and < 300)
        {
            (bool isEnvelope, string? error) = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            return !isEnvelope ? GenerationOutcomeKind.Failure : error is null ? kind : ClassifyError(error);
        }

        if (kind == GenerationOutcomeKind.KeyRejected && status == 403)
        {
            (_, string? error) = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            return error is null || BytezErrorText.IsUnauthorized(error) ? kind : GenerationOutcomeKind.Failure;
        }

        return kind;
    }

    /// <inheritdoc/>
    public override GenerationErrorKind GetErrorKind(int statusCode, string? errorText)
    {
        if (errorText is { Length: > 0 } text)
        {
            if (BytezErrorText.IsRateLimit(text))
            {
                return GenerationErrorKind.RateLimited;
            }

            if (statusCode == 402 || BytezErrorText.IsOutOfCredits(text))
            {
                return GenerationErrorKind.InsufficientCredits;
            }

            if (BytezErrorText.IsLoading(text))
            {
                return GenerationErrorKind.ServiceUnavailable;
            }

            if (BytezErrorText.IsModelMissing(text))
            {
                return GenerationErrorKind.ModelNotFound;
            }

            if (statusCode == 401 || BytezErrorText.IsUnauthorized(text))
            {
                return GenerationErrorKind.Unauthorized;
            }

            // A 403 with any other text is about the request (a gated model, one the plan does not include), and a
            // 200 with an error is the model's own refusal of the input.
            if (statusCode is 403 or (>= 200 and < 300))
            {
                return GenerationErrorKind.InvalidRequest;
            }
        }

        return statusCode is >= 200 and < 300 ? GenerationErrorKind.Unknown : base.GetErrorKind(statusCode, errorText);
    }

    /// <summary>What the <c>error</c> text of a 200 means to the pipeline.</summary>
    /// <param name="errorText">The text.</param>
    /// <returns>The outcome.</returns>
    protected virtual GenerationOutcomeKind ClassifyError(string errorText)
    {
        ArgumentNullException.ThrowIfNull(errorText);
        if (BytezErrorText.IsRateLimit(errorText))
        {
            return GenerationOutcomeKind.RateLimited;
        }

        if (BytezErrorText.IsUnauthorized(errorText) || BytezErrorText.IsOutOfCredits(errorText))
        {
            return GenerationOutcomeKind.KeyRejected;
        }

        return BytezErrorText.IsLoading(errorText) ? GenerationOutcomeKind.ServerError : GenerationOutcomeKind.Failure;
    }

    /// <summary>Reads (and buffers, so the caller can read it again) the body's <c>error</c>; whether it is the envelope at all.</summary>
    private static async Task<(bool IsEnvelope, string? Error)> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // A body that breaks off while being read throws here: the pipeline reports it as a failure of this attempt.
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(body))
        {
            return (false, null);
        }

        try
        {
            BytezErrorEnvelope? envelope = JsonSerializer.Deserialize(body, BytezJsonContext.Default.BytezErrorEnvelope);
            return envelope is null ? (false, null) : (true, envelope.ErrorText);
        }
        catch (JsonException)
        {
            return (false, null);
        }
    }
}
