using GenResilience.Errors.Internal;
using GenResilience.Keys.Internal;
using Polly;
using Polly.Timeout;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// Runs once per attempt, outside the attempt timeout: takes a key from the pool (waiting out a shared 429
/// cooldown if it must), rebuilds the content from its factory, sends, then classifies the outcome once and tells
/// the pool what it means for the key. The retry strategies around it act on that one classification.
/// </summary>
internal sealed class KeyAcquisitionStrategy : ResilienceStrategy<HttpResponseMessage>
{
    private readonly GenerationClientContext _client;

    public KeyAcquisitionStrategy(GenerationClientContext client)
    {
        _client = client;
    }

    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state)
    {
        RequestState request = GenerationPipelineKeys.GetState(context);
        CancellationToken cancellationToken = context.CancellationToken;

        ApiKeyLease lease;
        try
        {
            lease = await _client.Pool.AcquireAsync(request, cancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (GenerationException e)
        {
            request.LastOutcome = AttemptOutcome.Failure;
            return Outcome.FromException<HttpResponseMessage>(e);
        }
        catch (OperationCanceledException e)
        {
            request.LastOutcome = AttemptOutcome.Canceled;
            return Outcome.FromException<HttpResponseMessage>(e);
        }

        HttpRequestMessage? message = context.GetRequestMessage();
        if (message is not null)
        {
            message.Options.Set(ApiKeyHandler.LeaseKey, lease);
            if (request.Attempts > 0 && message.Options.TryGetValue(GenerationHttpRequestMessageExtensions.ContentFactoryKey, out Func<HttpContent>? factory))
            {
                HttpContent? previous = message.Content;
                message.Content = factory();
                previous?.Dispose();
            }
        }

        request.Attempts++;
        Outcome<HttpResponseMessage> outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);

        if (outcome.Result is { } response)
        {
            return await ClassifyResponseAsync(outcome, response, request, lease, cancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        request.LastOutcome = outcome.Exception switch
        {
            TimeoutRejectedException => AttemptOutcome.AttemptTimeout,
            OperationCanceledException when cancellationToken.IsCancellationRequested => AttemptOutcome.Canceled,
            HttpRequestException { InnerException: InvalidOperationException } when request.Attempts > 1 => AttemptOutcome.Failure,
            HttpRequestException => AttemptOutcome.NetworkError,
            _ => AttemptOutcome.Failure,
        };
        _client.Metrics.Attempt(_client.Provider, MetricName(request.LastOutcome));

        // The body of a retried request was a stream that the previous attempt consumed: say so, do not retry.
        if (outcome.Exception is HttpRequestException { InnerException: InvalidOperationException } notReplayable && request.Attempts > 1)
        {
            return Outcome.FromException<HttpResponseMessage>(GenerationErrors.BodyNotReplayable(request, notReplayable));
        }

        return outcome;
    }

    private async ValueTask<Outcome<HttpResponseMessage>> ClassifyResponseAsync(
        Outcome<HttpResponseMessage> outcome,
        HttpResponseMessage response,
        RequestState request,
        ApiKeyLease lease,
        CancellationToken cancellationToken)
    {
        GenerationOutcomeKind kind;
        try
        {
            kind = await request.Options.Classifier.ClassifyAsync(response, request.Options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            response.Dispose();
            request.LastOutcome = AttemptOutcome.Failure;
            return Outcome.FromException<HttpResponseMessage>(e);
        }

        // No key went out (another host): a 401 or 429 there is that host's answer, final, and no news about the key.
        bool keyInPlay = lease.Key.Value is null || lease.KeySent;
        if (!keyInPlay && kind is GenerationOutcomeKind.KeyRejected or GenerationOutcomeKind.RateLimited)
        {
            kind = GenerationOutcomeKind.Failure;
        }

        int status = (int)response.StatusCode;
        TimeSpan? retryAfter = kind == GenerationOutcomeKind.RateLimited
            ? RetryAfterHeader.Read(response, _client.TimeProvider.GetUtcNow())
            : null;

        request.LastStatusCode = status;
        request.LastOutcome = kind switch
        {
            GenerationOutcomeKind.Success => AttemptOutcome.Success,
            GenerationOutcomeKind.ServerError => AttemptOutcome.ServerError,
            GenerationOutcomeKind.RateLimited => AttemptOutcome.RateLimited,
            GenerationOutcomeKind.KeyRejected => AttemptOutcome.KeyRejected,
            _ => AttemptOutcome.Failure,
        };

        if (keyInPlay)
        {
            _client.Pool.Report(lease, kind, status, retryAfter, request);
        }

        _client.Metrics.Attempt(_client.Provider, MetricName(request.LastOutcome));
        return outcome;
    }

    internal static string MetricName(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Success => "success",
        AttemptOutcome.ServerError => "server_error",
        AttemptOutcome.NetworkError => "network_error",
        AttemptOutcome.AttemptTimeout => "attempt_timeout",
        AttemptOutcome.RateLimited => "rate_limited",
        AttemptOutcome.KeyRejected => "key_rejected",
        AttemptOutcome.Canceled => "canceled",
        _ => "failure",
    };
}
