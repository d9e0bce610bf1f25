using GenResilience.Errors.Internal;
using GenResilience.Keys.Internal;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// Runs once per attempt, outside the attempt timeout: takes a key from the pool (waiting in line if the key is
/// cooling down or paced), rebuilds the content from its factory, sends, then classifies the outcome once and tells
/// the pool what it means for the key. The retry strategies around it act on that one classification.
/// </summary>
internal sealed class KeyAcquisitionStrategy : ResilienceStrategy<HttpResponseMessage>
{
    private readonly GenerationClientContext _client;

    public KeyAcquisitionStrategy(GenerationClientContext client)
    {
        _client = client;
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

    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state)
    {
        RequestState request = GenerationPipelineKeys.GetState(context);
        CancellationToken cancellationToken = context.CancellationToken;

        // A retry after a failure that may have reached the service: first look for the work it may have started.
        if (request.Attempts > 0 && request.MayHaveReachedOrigin
            && context.GetRequestMessage()?.Options.TryGetValue(GenerationHttpRequestMessageExtensions.AmbiguousRetryGuardKey, out Func<CancellationToken, Task<HttpResponseMessage?>>? guard) == true)
        {
            HttpResponseMessage? found = await guard(cancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
            if (found is not null)
            {
                request.LastOutcome = AttemptOutcome.Success;
                request.LastStatusCode = (int)found.StatusCode;
                request.MayHaveReachedOrigin = false;
                return Outcome.FromResult(found);
            }
        }

        // Each attempt is judged by itself: nothing thrown before this attempt's send may look like the last one's outcome.
        request.LastOutcome = AttemptOutcome.None;

        ApiKeyLease lease;
        try
        {
            IKeyCheckSender? checker = request.Options.KeyCheck is null || request.Options.ApiKeys.Count == 0
                ? null
                : new KeyCheckSender<TState>(_client, request, callback, context, state);
            lease = _client.Pool.IsShared
                ? await _client.Pool.AcquireSharedAsync(request, checker, cancellationToken).ConfigureAwait(context.ContinueOnCapturedContext)
                : await _client.Pool.AcquireAsync(request, checker, cancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            request.LastOutcome = AttemptOutcome.Canceled;
            return Outcome.FromException<HttpResponseMessage>(e);
        }
        catch (Exception e)
        {
            request.LastOutcome = AttemptOutcome.Failure;
            return Outcome.FromException<HttpResponseMessage>(e);
        }

        Outcome<HttpResponseMessage> outcome;
        try
        {
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
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception e)
        {
            // Thrown before anything was sent (a content factory, say): final, and no news about the key.
            _client.Pool.Complete(lease, outcome: null, 0, null, request);
            request.LastOutcome = AttemptOutcome.Failure;
            return Outcome.FromException<HttpResponseMessage>(e);
        }

        if (outcome.Result is { } response)
        {
            return await ClassifyResponseAsync(outcome, response, request, lease, cancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        _client.Pool.Complete(lease, outcome: null, 0, null, request);
        (request.LastOutcome, request.MayHaveReachedOrigin) = outcome.Exception switch
        {
            TimeoutRejectedException => (AttemptOutcome.AttemptTimeout, true),
            OperationCanceledException when cancellationToken.IsCancellationRequested => (AttemptOutcome.Canceled, false),

            // SocketsHttpHandler's ConnectTimeout: nothing was sent.
            OperationCanceledException { InnerException: TimeoutException } => (AttemptOutcome.NetworkError, false),
            HttpRequestException { InnerException: InvalidOperationException } when request.Attempts > 1 => (AttemptOutcome.Failure, false),
            HttpRequestException network => (AttemptOutcome.NetworkError, !NeverSent(network)),
            _ => (AttemptOutcome.Failure, false),
        };
        NoteWorkMayHaveStarted(request);
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
        catch (Exception e)
        {
            response.Dispose();
            _client.Pool.Complete(lease, outcome: null, 0, null, request);
            request.LastOutcome = e is OperationCanceledException && cancellationToken.IsCancellationRequested ? AttemptOutcome.Canceled : AttemptOutcome.Failure;
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

        if (keyInPlay)
        {
            // The pool may judge a rejection to be about the request rather than the key: then it is final.
            kind = _client.Pool.Complete(lease, kind, status, retryAfter, request) ?? GenerationOutcomeKind.Failure;
        }
        else
        {
            _client.Pool.Complete(lease, outcome: null, status, null, request);
        }

        request.LastStatusCode = status;

        // Cloudflare's 522 and 523 mean the origin was never reached; any other server error may have started the work.
        request.MayHaveReachedOrigin = kind == GenerationOutcomeKind.ServerError && status is not (522 or 523);
        request.LastOutcome = kind switch
        {
            GenerationOutcomeKind.Success => AttemptOutcome.Success,
            GenerationOutcomeKind.ServerError => AttemptOutcome.ServerError,
            GenerationOutcomeKind.RateLimited => AttemptOutcome.RateLimited,
            GenerationOutcomeKind.KeyRejected => AttemptOutcome.KeyRejected,
            _ => AttemptOutcome.Failure,
        };
        NoteWorkMayHaveStarted(request);

        _client.Metrics.Attempt(_client.Provider, MetricName(request.LastOutcome));
        return outcome;
    }

    /// <summary>
    /// An attempt of a request that starts work may have started it when it may have reached the service, or when it
    /// was cut short after it was sent (the total timeout, the caller's token): the request remembers it for good.
    /// </summary>
    private static void NoteWorkMayHaveStarted(RequestState request)
    {
        if (request.StartsWork && (request.MayHaveReachedOrigin || request.LastOutcome == AttemptOutcome.Canceled))
        {
            request.MayHaveStartedWork = true;
        }
    }

    /// <summary>Whether a network error proves the request never left: no connection, no name, no TLS session.</summary>
    private static bool NeverSent(HttpRequestException error)
        => error.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError
            || error.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NetworkUnreachable or System.Net.Sockets.SocketError.HostUnreachable };

    /// <summary>
    /// Sends a key check through the rest of this pipeline (attempt timeout, key handler, primary handler) by putting
    /// the check's message in the context for the one call, as <c>ResilienceHandler</c> sends the context's message.
    /// </summary>
    private sealed class KeyCheckSender<TState>(
        GenerationClientContext client,
        RequestState request,
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state) : IKeyCheckSender
    {
        public async ValueTask<KeyCheckResult> SendAsync(ApiKeyLease lease, CancellationToken cancellationToken)
        {
            GenerationResilienceOptions options = request.Options;
            using HttpRequestMessage check = options.KeyCheck!()
                ?? throw new InvalidOperationException($"{client.Provider}: {string.Format(System.Globalization.CultureInfo.InvariantCulture, client.SettingFormat, "KeyCheck")} returned null; it must create a new request each time.");
            if (check.RequestUri is { IsAbsoluteUri: false } relative && client.BaseAddress is { } home)
            {
                check.RequestUri = new Uri(home, relative);
            }

            check.Options.Set(ApiKeyHandler.LeaseKey, lease);
            check.SetOperationName("key check");

            HttpRequestMessage? original = context.GetRequestMessage();
            Outcome<HttpResponseMessage> outcome;
            context.SetRequestMessage(check);
            try
            {
                outcome = await callback(context, state).ConfigureAwait(false);
            }
            finally
            {
                context.SetRequestMessage(original);
            }

            if (outcome.Result is not { } response)
            {
                if (outcome.Exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    throw outcome.Exception;
                }

                return new KeyCheckResult(null, null, null);
            }

            using (response)
            {
                if (!lease.KeySent)
                {
                    return new KeyCheckResult(null, (int)response.StatusCode, null);
                }

                GenerationOutcomeKind kind = await options.Classifier.ClassifyAsync(response, options, cancellationToken).ConfigureAwait(false);
                TimeSpan? retryAfter = kind == GenerationOutcomeKind.RateLimited ? RetryAfterHeader.Read(response, client.TimeProvider.GetUtcNow()) : null;
                return new KeyCheckResult(kind, (int)response.StatusCode, retryAfter);
            }
        }
    }
}
