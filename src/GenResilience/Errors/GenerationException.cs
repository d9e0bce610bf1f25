using System.Globalization;
using System.Net;
using GenResilience.Errors.Internal;
using GenResilience.Resilience.Internal;

namespace GenResilience;

/// <summary>
/// The one exception the generation clients throw for every failure that is not the caller's own cancellation.
/// </summary>
/// <remarks>
/// <see cref="Exception.Message"/> is for developers: provider, operation, status, attempts, the server's own error
/// text and the setting to change; it never contains an API key. <see cref="UserMessage"/> is a short sentence
/// safe to show an end user.
/// </remarks>
public sealed class GenerationException : Exception
{
    private readonly string? _userMessage;
    private bool _mayHaveStartedWork;

    /// <summary>
    /// Initializes a new instance of the <see cref="GenerationException"/> class.
    /// </summary>
    /// <param name="kind">What went wrong.</param>
    /// <param name="provider">The provider: <c>UseApi</c>, <c>Bytez</c>, <c>Velro</c> or a client name.</param>
    /// <param name="message">The developer-facing message; it must not contain a key.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public GenerationException(GenerationErrorKind kind, string provider, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Provider = provider ?? string.Empty;
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="GenerationException"/> class of kind <see cref="GenerationErrorKind.Unknown"/>.
    /// </summary>
    public GenerationException()
        : this(GenerationErrorKind.Unknown, string.Empty, "A generation call failed.")
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="GenerationException"/> class of kind <see cref="GenerationErrorKind.Unknown"/>.
    /// </summary>
    /// <param name="message">The developer-facing message.</param>
    public GenerationException(string message)
        : this(GenerationErrorKind.Unknown, string.Empty, message)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="GenerationException"/> class of kind <see cref="GenerationErrorKind.Unknown"/>.
    /// </summary>
    /// <param name="message">The developer-facing message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public GenerationException(string message, Exception? innerException)
        : this(GenerationErrorKind.Unknown, string.Empty, message, innerException)
    {
    }

    /// <summary>Gets the provider: <c>UseApi</c>, <c>Bytez</c>, <c>Velro</c>, or the client name given to <c>AddGenerationResilience</c>.</summary>
    public string Provider { get; }

    /// <summary>Gets what went wrong.</summary>
    public GenerationErrorKind Kind { get; }

    /// <summary>Gets the operation (<c>image</c>, <c>video</c>, ...), when the request named one.</summary>
    public string? Operation { get; init; }

    /// <summary>Gets the last HTTP status, or <see langword="null"/> when no response came.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Gets how many HTTP attempts were made.</summary>
    public int Attempts { get; init; }

    /// <summary>Gets the service's own error code (for example UseAPI's <c>code</c>), when it sent one.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Gets the service's request id (<c>X-Request-ID</c>), when it sent one; quote it to the provider's support.</summary>
    public string? RequestId { get; init; }

    /// <summary>Gets when the service said to come back, as a wait from the moment of the failure, if it did.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets the field-level problems parsed from a 400 or 422 body; empty when there were none.</summary>
    public IReadOnlyList<GenerationValidationError> ValidationErrors { get; init; } = [];

    /// <summary>
    /// Gets a value indicating whether the call may have started paid work at the provider before it failed, so that
    /// sending the same request again, to this provider or to another, may start a second paid job.
    /// </summary>
    /// <remarks>
    /// <see langword="true"/> when a request that starts work (a create or a run: not idempotent, not marked safe to
    /// repeat with <see cref="GenerationHttpRequestMessageExtensions.SetRetryAfterAmbiguousFailure"/>) met, on any of its
    /// attempts, a failure that may have reached the service: an attempt or total timeout, a 500, 502, 503, 504 or
    /// 524, a connection lost after the request was sent; or when a job was created and waiting for it failed (polls
    /// that kept failing, the job timeout, a job the provider no longer knows). <see langword="false"/> when the failure
    /// proves nothing was started (Cloudflare's 522 and 523, a refused connection, a 4xx, a rejected key, a check made
    /// before sending), when the job ended at the provider (<see cref="GenerationErrorKind.JobFailed"/>), and for calls
    /// that start nothing (reads, polls, uploads). Failover across providers reads it (see docs/failover.md).
    /// </remarks>
    public bool MayHaveStartedWork
    {
        get => _mayHaveStartedWork;
        init => _mayHaveStartedWork = value;
    }

    /// <summary>Gets a short, friendly sentence safe to show an end user.</summary>
    public string UserMessage
    {
        get => _userMessage ?? UserMessages.For(Kind, Attempts, RetryAfter);
        init => _userMessage = value;
    }

    /// <summary>Records that the call may have started paid work, learnt after this exception was made (a job's wait failed).</summary>
    internal void MarkMayHaveStartedWork() => _mayHaveStartedWork = true;

    /// <summary>
    /// Turns a final non-success response into a <see cref="GenerationException"/>, reading the service's error text,
    /// error code, validation errors and <c>Retry-After</c>. When the response came through the GenResilience pipeline
    /// the provider, operation and number of attempts come from it.
    /// </summary>
    /// <remarks>
    /// At most the first 32 KB of the body are read, decoded with the <c>Content-Type</c> charset (a byte order mark
    /// wins; UTF-8 when neither says). A buffered body is left as it was. A body that is still a stream which can be
    /// read only once (<see cref="HttpCompletionOption.ResponseHeadersRead"/>) is replaced on
    /// <see cref="HttpResponseMessage.Content"/> by content with the same headers that yields the same bytes.
    /// </remarks>
    /// <param name="response">A response whose status is not a success. It is not disposed, and its body can still be read afterwards.</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    /// <returns>The exception; the caller throws it.</returns>
    /// <exception cref="ArgumentException">The response is a success.</exception>
    public static Task<GenerationException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
        => FromResponseAsync(response, provider: null, cancellationToken);

    /// <summary>
    /// Turns a final non-success response into a <see cref="GenerationException"/> for the given provider.
    /// </summary>
    /// <param name="response">A response whose status is not a success. It is not disposed, and its body can still be read afterwards.</param>
    /// <param name="provider">The provider name to report; <see langword="null"/> takes it from the pipeline, or the request's host.</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    /// <returns>The exception; the caller throws it.</returns>
    /// <exception cref="ArgumentException">The response is a success.</exception>
    public static async Task<GenerationException> FromResponseAsync(HttpResponseMessage response, string? provider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode)
        {
            throw new ArgumentException("The response succeeded; only a failed response can become a GenerationException.", nameof(response));
        }

        RequestState? state = response.RequestMessage is { } request && request.Options.TryGetValue(RequestState.Key, out RequestState? s) ? s : null;
        IList<string> keys = state?.Options.ApiKeys ?? [];
        (string body, bool truncated) = await ErrorBodyReader.ReadAsync(response, cancellationToken).ConfigureAwait(false);

        // Before anything parses or shortens the text: a key cut in two is no longer recognisable.
        body = KeyRedactor.Redact(body, keys, truncated);
        ParsedError parsed = ErrorBodyParser.Parse(body, response.Content.Headers.ContentType?.MediaType);

        // Again on what the parser made of it: decoding JSON or HTML can reveal a key that was escaped twice over.
        string? serverText = parsed.Message is null ? null : KeyRedactor.Redact(parsed.Message, keys);

        int status = (int)response.StatusCode;
        GenerationOutcomeClassifier classifier = state?.Options.Classifier ?? GenerationOutcomeClassifier.Default;
        GenerationErrorKind kind = classifier.GetErrorKind(status, serverText);
        TimeProvider time = state?.Client.TimeProvider ?? TimeProvider.System;
        TimeSpan? retryAfter = RetryAfterHeader.Read(response, time.GetUtcNow());
        int attempts = state?.Attempts is > 0 ? state.Attempts : 1;
        string who = provider ?? state?.Provider ?? response.RequestMessage?.RequestUri?.Host ?? "HTTP";
        string target = state?.Operation is { Length: > 0 } op ? who + " " + op : who;

        string message = string.Create(
            CultureInfo.InvariantCulture,
            $"{target} failed with {status} ({DescribeStatus(response.StatusCode)}) after {attempts} {(attempts == 1 ? "attempt" : "attempts")}")
            + (serverText is null ? "." : ": " + serverText + (serverText.EndsWith('.') ? string.Empty : "."))
            + GenerationErrors.HintFor(kind, state);

        return new GenerationException(kind, who, message)
        {
            Operation = state?.Operation,
            StatusCode = status,
            Attempts = attempts,
            ErrorCode = parsed.Code is null ? null : KeyRedactor.Redact(parsed.Code, keys),
            RequestId = ReadRequestId(response),
            RetryAfter = retryAfter,
            MayHaveStartedWork = state?.MayHaveStartedWork == true,
            ValidationErrors = [.. parsed.ValidationErrors.Select(v => new GenerationValidationError(KeyRedactor.Redact(v.Field, keys), KeyRedactor.Redact(v.Message, keys)))],
        };
    }

    private static string DescribeStatus(HttpStatusCode status) => (int)status switch
    {
        520 => "Cloudflare: unknown error",
        521 => "Cloudflare: web server is down",
        522 => "Cloudflare: connection timed out",
        523 => "Cloudflare: origin is unreachable",
        524 => "Cloudflare: a timeout occurred",
        _ => Enum.IsDefined(status) ? status.ToString() : "HTTP " + ((int)status).ToString(CultureInfo.InvariantCulture),
    };

    private static string? ReadRequestId(HttpResponseMessage response)
    {
        foreach (string name in (string[])["X-Request-ID", "X-Request-Id", "Request-Id", "CF-Ray"])
        {
            if (response.Headers.TryGetValues(name, out IEnumerable<string>? values) && values.FirstOrDefault() is { Length: > 0 } value)
            {
                return value;
            }
        }

        return null;
    }
}
