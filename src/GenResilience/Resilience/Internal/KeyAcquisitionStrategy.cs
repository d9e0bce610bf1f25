using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using GenResilience.Errors.Internal;
using GenResilience.Keys.Internal;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Telemetry;
using Polly.Timeout;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// Runs once per attempt, outside the attempt timeout: takes a key from the pool (waiting in line if the key is
/// cooling down or paced), rebuilds the content from its factory, sends, then classifies the outcome once and tells
/// the pool what it means for the key.
/// </summary>
/// <remarks>
/// With a retry (<see cref="GenerationPipeline"/>: <c>GenResilience.Retry</c>), this strategy is also the retry: it runs
/// the attempts in the loop of Polly's retry strategy (<c>RetryResilienceStrategy</c> of Polly 8), with the
/// <see cref="RetryStrategyOptions{TResult}"/> it is registered with, and reports the same telemetry (an
/// <c>ExecutionAttempt</c> event per attempt, an <c>OnRetry</c> event per retry). As two Polly strategies, a retry
/// around a key acquisition, they cost every request a second layer of Polly's pipeline; the first attempt of a
/// request that is not retried now runs without an async state machine.
/// </remarks>
internal sealed class KeyAcquisitionStrategy : ResilienceStrategy<HttpResponseMessage>
{
    private const string ExecutionAttemptEvent = "ExecutionAttempt";
    private const string OnRetryEvent = "OnRetry";

    private readonly GenerationClientContext _client;
    private readonly RetryStrategyOptions<HttpResponseMessage>? _retry;
    private readonly ResilienceStrategyTelemetry? _telemetry;
    private readonly TimeProvider _time;

    public KeyAcquisitionStrategy(GenerationClientContext client)
    {
        _client = client;
        _time = client.TimeProvider;
    }

    /// <param name="client">The client.</param>
    /// <param name="retry">The retry: constant backoff with no base delay and no jitter (the delays come from its generator).</param>
    /// <param name="telemetry">The strategy's telemetry, named after <paramref name="retry"/>.</param>
    /// <param name="time">The pipeline's clock.</param>
    public KeyAcquisitionStrategy(GenerationClientContext client, RetryStrategyOptions<HttpResponseMessage> retry, ResilienceStrategyTelemetry telemetry, TimeProvider time)
    {
        if (retry.BackoffType != DelayBackoffType.Constant || retry.Delay != TimeSpan.Zero || retry.UseJitter || retry.MaxDelay is not null)
        {
            throw new ArgumentException("The retry's delays must come from its DelayGenerator alone.", nameof(retry));
        }

        _client = client;
        _retry = retry;
        _telemetry = telemetry;
        _time = time;
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

    /// <remarks>
    /// Written without an async state machine for the common case, where the key is free, the handlers below answer
    /// at once and the classifier reads the status only: each step that does not complete at once continues in its
    /// own async method (<see cref="SendAfterAcquireAsync"/>, <see cref="ClassifyAfterSendAsync"/>,
    /// <see cref="ClassifiedAsync"/>). The steps and their order are the same either way.
    /// </remarks>
    protected override ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state)
    {
        if (_retry is null)
        {
            return Attempt(callback, context, state, judge: false, 0, out _);
        }

        // The first attempt, and its verdict, without an async state machine when both complete at once. Each ValueTask is
        // consumed once: here when it completed, else by FirstAttemptAsync, SendJudgedAsync or RetryAsync.
#pragma warning disable CA2012
        long started = _time.GetTimestamp();
        ValueTask<Outcome<HttpResponseMessage>> first = StartAttempt(callback, context, state, judge: true, started, out bool judged);
        if (judged)
        {
            // A send that waits for the network is awaited, classified and judged by one state machine (SendJudgedAsync).
            return first;
        }

        if (!first.IsCompletedSuccessfully)
        {
            return FirstAttemptAsync(callback, context, state, started, first);
        }

#pragma warning restore CA2012
        return JudgeFirst(callback, context, state, started, first.Result);
    }

    /// <summary>
    /// The first attempt's verdict: its outcome returned as it is, without a state machine, when the retry does not
    /// handle it (the verdict known at once); else <see cref="RetryAsync"/> from that outcome and verdict.
    /// </summary>
    private ValueTask<Outcome<HttpResponseMessage>> JudgeFirst<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state,
        long started,
        Outcome<HttpResponseMessage> outcome)
    {
#pragma warning disable CA2012 // Consumed once: here when it completed, else by RetryAsync.
        ValueTask<bool> verdict = _retry!.ShouldHandle(new RetryPredicateArguments<HttpResponseMessage>(context, outcome, 0));
        if (!verdict.IsCompletedSuccessfully)
        {
            return RetryAsync(callback, context, state, started, new ValueTask<Outcome<HttpResponseMessage>>(outcome), verdict);
        }
#pragma warning restore CA2012

        if (verdict.Result)
        {
            return RetryAsync(callback, context, state, started, new ValueTask<Outcome<HttpResponseMessage>>(outcome), new ValueTask<bool>(true));
        }

        ReportExecutionAttempt(context, outcome, 0, _time.GetElapsedTime(started), handled: false);
        return new ValueTask<Outcome<HttpResponseMessage>>(outcome);
    }

    /// <summary>
    /// The first attempt when it did not complete at once (any send over a socket): awaited and judged by a state machine
    /// much smaller than <see cref="RetryAsync"/>'s, which only a request that is retried goes on to. The steps are those
    /// of <see cref="RetryAsync"/>'s first iteration.
    /// </summary>
    private async ValueTask<Outcome<HttpResponseMessage>> FirstAttemptAsync<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state,
        long started,
        ValueTask<Outcome<HttpResponseMessage>> first)
    {
        Outcome<HttpResponseMessage> outcome;
        try
        {
            outcome = await first.ConfigureAwait(context.ContinueOnCapturedContext);
        }
#pragma warning disable CA1031 // As Polly's retry: whatever the attempt threw is its outcome.
        catch (Exception e)
#pragma warning restore CA1031
        {
            outcome = Outcome.FromException<HttpResponseMessage>(e);
        }

        return await JudgeFirst(callback, context, state, started, outcome).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    /// <summary>
    /// The loop of Polly 8's <c>RetryResilienceStrategy</c>, step for step, from the first attempt's outcome (and its
    /// verdict, when it was already asked for).
    /// </summary>
    private async ValueTask<Outcome<HttpResponseMessage>> RetryAsync<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state,
        long started,
        ValueTask<Outcome<HttpResponseMessage>> first,
        ValueTask<bool>? verdict)
    {
        RetryStrategyOptions<HttpResponseMessage> retry = _retry!;
        int attempt = 0;
        while (true)
        {
            Outcome<HttpResponseMessage> outcome;
            try
            {
                outcome = attempt == 0
                    ? await first.ConfigureAwait(context.ContinueOnCapturedContext)
                    : await StartAttempt(callback, context, state, judge: false, 0, out _).ConfigureAwait(context.ContinueOnCapturedContext);
            }
#pragma warning disable CA1031 // As Polly's retry: whatever the attempt threw is its outcome.
            catch (Exception e)
#pragma warning restore CA1031
            {
                outcome = Outcome.FromException<HttpResponseMessage>(e);
            }

            bool handle = attempt == 0 && verdict is { } known
                ? await known.ConfigureAwait(context.ContinueOnCapturedContext)
                : await retry.ShouldHandle(new RetryPredicateArguments<HttpResponseMessage>(context, outcome, attempt)).ConfigureAwait(context.ContinueOnCapturedContext);
            TimeSpan executionTime = _time.GetElapsedTime(started);

            // MaxRetryAttempts is int.MaxValue: no attempt is the last one by count (each reason has its own budget).
            ReportExecutionAttempt(context, outcome, attempt, executionTime, handle);
            if (!handle)
            {
                return outcome;
            }

            TimeSpan delay = TimeSpan.Zero;
            if (retry.DelayGenerator is not null
                && await retry.DelayGenerator(new RetryDelayGeneratorArguments<HttpResponseMessage>(context, outcome, attempt)).ConfigureAwait(false) is { } generated
                && generated >= TimeSpan.Zero)
            {
                delay = generated;
            }

            var onRetry = new OnRetryArguments<HttpResponseMessage>(context, outcome, attempt, delay, executionTime);
            _telemetry!.Report(new ResilienceEvent(ResilienceEventSeverity.Warning, OnRetryEvent), context, outcome, onRetry);
            if (retry.OnRetry is not null)
            {
                await retry.OnRetry(onRetry).ConfigureAwait(context.ContinueOnCapturedContext);
            }

            if (outcome.Exception is null)
            {
                await DisposeSafeAsync(outcome.Result, IsSynchronous(context)).ConfigureAwait(context.ContinueOnCapturedContext);
            }

            try
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                if (delay > TimeSpan.Zero)
                {
                    await DelayAsync(delay, context).ConfigureAwait(context.ContinueOnCapturedContext);
                }
            }
            catch (OperationCanceledException e)
            {
                return Outcome.FromException<HttpResponseMessage>(e);
            }

            if (attempt != int.MaxValue)
            {
                attempt++;
            }

            started = _time.GetTimestamp();
        }
    }

    /// <summary>
    /// One attempt, after the check Polly made between the retry and the key acquisition when they were two
    /// strategies: a cancelled token ends the attempt before it takes a key.
    /// </summary>
    private ValueTask<Outcome<HttpResponseMessage>> StartAttempt<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state,
        bool judge,
        long started,
        out bool judged)
    {
        judged = false;
        try
        {
            if (context.CancellationToken.IsCancellationRequested)
            {
                var canceled = new OperationCanceledException(context.CancellationToken);
                ExceptionDispatchInfo.SetCurrentStackTrace(canceled);
                return new ValueTask<Outcome<HttpResponseMessage>>(Outcome.FromException<HttpResponseMessage>(canceled));
            }

            return Attempt(callback, context, state, judge, started, out judged);
        }
#pragma warning disable CA1031 // As Polly's retry: whatever the attempt threw is its outcome.
        catch (Exception e)
#pragma warning restore CA1031
        {
            judged = false;
            return new ValueTask<Outcome<HttpResponseMessage>>(Outcome.FromException<HttpResponseMessage>(e));
        }
    }

    /// <summary>Polly's <c>ExecutionAttempt</c> event: Warning when the attempt is retried, else Information.</summary>
    private void ReportExecutionAttempt(ResilienceContext context, Outcome<HttpResponseMessage> outcome, int attempt, TimeSpan executionTime, bool handled)
        => _telemetry!.Report(
            new ResilienceEvent(handled ? ResilienceEventSeverity.Warning : ResilienceEventSeverity.Information, ExecutionAttemptEvent),
            context,
            outcome,
            new ExecutionAttemptArguments(attempt, executionTime, handled));

    /// <summary>
    /// Whether Polly runs this execution synchronously (<c>ResiliencePipeline.Execute</c>, as the resilience handler does
    /// for <see cref="HttpClient.Send(HttpRequestMessage)"/>): then Polly's retry waits by blocking, and so does this one.
    /// <c>ResilienceContext.IsSynchronous</c> is internal to Polly; should a later Polly rename it, the wait is asynchronous.
    /// </summary>
    private static bool IsSynchronous(ResilienceContext context)
    {
        try
        {
            return GetIsSynchronous(context);
        }
        catch (MissingMemberException)
        {
            return false;
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_IsSynchronous")]
    private static extern bool GetIsSynchronous(ResilienceContext context);

    /// <summary>As Polly disposes a retried result: the synchronous way first for a synchronous execution; never throws.</summary>
    private static async ValueTask DisposeSafeAsync(HttpResponseMessage? value, bool isSynchronous)
    {
        try
        {
            if (isSynchronous)
            {
                if (value is IDisposable disposable)
                {
                    disposable.Dispose();
                }
                else if (value is IAsyncDisposable asyncDisposable)
                {
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                }
            }
            else if (value is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else if (value is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
#pragma warning disable CA1031 // As Polly: a failed dispose does not stop the retry.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>As Polly waits before a retry: blocking for a synchronous execution, on the pipeline's clock either way.</summary>
    private Task DelayAsync(TimeSpan delay, ResilienceContext context)
    {
        context.CancellationToken.ThrowIfCancellationRequested();
        if (delay == TimeSpan.MaxValue)
        {
            delay = Timeout.InfiniteTimeSpan;
        }

        if (IsSynchronous(context))
        {
#pragma warning disable CA1849 // A synchronous execution waits synchronously, as Polly's does.
            Task.Delay(delay, _time, context.CancellationToken).GetAwaiter().GetResult();
#pragma warning restore CA1849
            return Task.CompletedTask;
        }

        return Task.Delay(delay, _time, context.CancellationToken);
    }

    /// <summary>One attempt: acquire a key, send, classify.</summary>
    private ValueTask<Outcome<HttpResponseMessage>> Attempt<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state,
        bool judge,
        long started,
        out bool judged)
    {
        judged = false;
        RequestState request = GenerationPipelineKeys.GetState(context);
        CancellationToken cancellationToken = context.CancellationToken;

        // A retry after a failure that may have reached the service: first look for the work it may have started.
        if (request.Attempts > 0 && request.MayHaveReachedOrigin
            && GenerationRequestSettings.Of(request.Message)?.AmbiguousRetryGuard is { } guard)
        {
            return GuardedAsync(guard, callback, context, state, request, cancellationToken);
        }

        return Acquire(callback, context, state, request, judge, started, cancellationToken, out judged);
    }

    private async ValueTask<Outcome<HttpResponseMessage>> GuardedAsync<TState>(
        Func<CancellationToken, Task<HttpResponseMessage?>> guard,
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state,
        RequestState request,
        CancellationToken cancellationToken)
    {
        HttpResponseMessage? found = await guard(cancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        if (found is not null)
        {
            request.LastOutcome = AttemptOutcome.Success;
            request.LastStatusCode = (int)found.StatusCode;
            request.MayHaveReachedOrigin = false;
            return Outcome.FromResult(found);
        }

        return await Acquire(callback, context, state, request, judge: false, 0, cancellationToken, out _).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    private ValueTask<Outcome<HttpResponseMessage>> Acquire<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state,
        RequestState request,
        bool judge,
        long started,
        CancellationToken cancellationToken,
        out bool judged)
    {
        // Each attempt is judged by itself: nothing thrown before this attempt's send may look like the last one's outcome.
        request.LastOutcome = AttemptOutcome.None;
        judged = false;

        ValueTask<ApiKeyLease> acquiring;
        try
        {
            IKeyCheckSender? checker = request.Options.KeyCheck is null || request.Options.ApiKeys.Count == 0
                ? null
                : new KeyCheckSender<TState>(_client, request, callback, context, state);
            acquiring = _client.Pool.IsShared
                ? _client.Pool.AcquireSharedAsync(request, checker, cancellationToken)
                : _client.Pool.AcquireAsync(request, checker, cancellationToken);
        }
        catch (Exception e)
        {
            return new ValueTask<Outcome<HttpResponseMessage>>(AcquireFailed(e, request, cancellationToken));
        }

        return acquiring.IsCompletedSuccessfully
            ? Send(acquiring.Result, callback, context, state, request, judge, started, cancellationToken, out judged)
            : SendAfterAcquireAsync(acquiring, callback, context, state, request, cancellationToken);
    }

    private async ValueTask<Outcome<HttpResponseMessage>> SendAfterAcquireAsync<TState>(
        ValueTask<ApiKeyLease> acquiring,
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state,
        RequestState request,
        CancellationToken cancellationToken)
    {
        ApiKeyLease lease;
        try
        {
            lease = await acquiring.ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception e)
        {
            return AcquireFailed(e, request, cancellationToken);
        }

        return await Send(lease, callback, context, state, request, judge: false, 0, cancellationToken, out _).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    private static Outcome<HttpResponseMessage> AcquireFailed(Exception e, RequestState request, CancellationToken cancellationToken)
    {
        request.LastOutcome = e is OperationCanceledException && cancellationToken.IsCancellationRequested ? AttemptOutcome.Canceled : AttemptOutcome.Failure;
        return Outcome.FromException<HttpResponseMessage>(e);
    }

    /// <param name="lease">The key to send with.</param>
    /// <param name="callback">The rest of the pipeline.</param>
    /// <param name="context">The execution's context.</param>
    /// <param name="state">The rest of the pipeline's state.</param>
    /// <param name="request">The request's state.</param>
    /// <param name="judge">
    /// Whether this is the first attempt of a retrying execution, called at once from <see cref="ExecuteCore"/>: then a
    /// send that waits is also judged (<see cref="SendJudgedAsync"/>) and <paramref name="judged"/> says so.
    /// </param>
    /// <param name="started">When the first attempt started, for its telemetry.</param>
    /// <param name="cancellationToken">The attempt's token.</param>
    /// <param name="judged">Whether the returned outcome has been judged and reported.</param>
    /// <returns>The attempt's outcome.</returns>
    private ValueTask<Outcome<HttpResponseMessage>> Send<TState>(
        ApiKeyLease lease,
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state,
        RequestState request,
        bool judge,
        long started,
        CancellationToken cancellationToken,
        out bool judged)
    {
        judged = false;
        ValueTask<Outcome<HttpResponseMessage>> pending;
        try
        {
            // The request's own message: a key check swaps its message into the context only while it sends.
            HttpRequestMessage? message = request.Message;
            if (message is not null)
            {
                // The ApiKeyHandler stamps nothing for a client without keys; on a first attempt no earlier lease is there to replace.
                if (lease.Key.Value is not null || request.Attempts > 0)
                {
                    message.Options.Set(ApiKeyHandler.LeaseKey, lease);
                }

                if (request.Attempts > 0 && GenerationRequestSettings.Of(message)?.ContentFactory is { } factory)
                {
                    HttpContent? previous = message.Content;
                    message.Content = factory();
                    previous?.Dispose();
                }
            }

            request.Attempts++;
            pending = callback(context, state);
        }
        catch (Exception e)
        {
            return new ValueTask<Outcome<HttpResponseMessage>>(SendFailed(lease, request, e));
        }

        if (pending.IsCompletedSuccessfully)
        {
            return Classify(pending.Result, lease, request, cancellationToken);
        }

        if (judge)
        {
            judged = true;
            return SendJudgedAsync(pending, lease, request, callback, context, state, started, cancellationToken);
        }

        return ClassifyAfterSendAsync(pending, lease, request, context, cancellationToken);
    }

    /// <summary>
    /// The first attempt of a retrying execution when its send waits for the network (any send over a socket): the send
    /// awaited and classified as by <see cref="ClassifyAfterSendAsync"/>, then the outcome judged as by
    /// <see cref="FirstAttemptAsync"/>, in one state machine instead of two.
    /// </summary>
    private async ValueTask<Outcome<HttpResponseMessage>> SendJudgedAsync<TState>(
        ValueTask<Outcome<HttpResponseMessage>> pending,
        ApiKeyLease lease,
        RequestState request,
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state,
        long started,
        CancellationToken cancellationToken)
    {
        Outcome<HttpResponseMessage> outcome;
        try
        {
            bool sent;
            try
            {
                outcome = await pending.ConfigureAwait(context.ContinueOnCapturedContext);
                sent = true;
            }
            catch (Exception e)
            {
                outcome = SendFailed(lease, request, e);
                sent = false;
            }

            if (sent)
            {
                outcome = await Classify(outcome, lease, request, cancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
            }
        }
#pragma warning disable CA1031 // As Polly's retry: whatever the attempt threw is its outcome.
        catch (Exception e)
#pragma warning restore CA1031
        {
            outcome = Outcome.FromException<HttpResponseMessage>(e);
        }

        return await JudgeFirst(callback, context, state, started, outcome).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    private async ValueTask<Outcome<HttpResponseMessage>> ClassifyAfterSendAsync(
        ValueTask<Outcome<HttpResponseMessage>> pending, ApiKeyLease lease, RequestState request, ResilienceContext context, CancellationToken cancellationToken)
    {
        Outcome<HttpResponseMessage> outcome;
        try
        {
            outcome = await pending.ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception e)
        {
            return SendFailed(lease, request, e);
        }

        return await Classify(outcome, lease, request, cancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    /// <summary>Thrown before anything was sent (a content factory, say): final, and no news about the key.</summary>
    private Outcome<HttpResponseMessage> SendFailed(ApiKeyLease lease, RequestState request, Exception e)
    {
        _client.Pool.Complete(lease, outcome: null, 0, null, request);
        request.LastOutcome = AttemptOutcome.Failure;
        return Outcome.FromException<HttpResponseMessage>(e);
    }

    private ValueTask<Outcome<HttpResponseMessage>> Classify(Outcome<HttpResponseMessage> outcome, ApiKeyLease lease, RequestState request, CancellationToken cancellationToken)
    {
        if (outcome.Result is not { } response)
        {
            return new ValueTask<Outcome<HttpResponseMessage>>(NoResponse(outcome, lease, request, cancellationToken));
        }

        ValueTask<GenerationOutcomeKind> classifying;
        try
        {
            classifying = request.Options.Classifier.ClassifyAsync(response, request.Options, cancellationToken);
        }
        catch (Exception e)
        {
            return new ValueTask<Outcome<HttpResponseMessage>>(ClassifyFailed(e, response, lease, request, cancellationToken));
        }

        return classifying.IsCompletedSuccessfully
            ? new ValueTask<Outcome<HttpResponseMessage>>(Classified(classifying.Result, outcome, response, request, lease))
            : ClassifiedAsync(classifying, outcome, response, request, lease, cancellationToken);
    }

    private async ValueTask<Outcome<HttpResponseMessage>> ClassifiedAsync(
        ValueTask<GenerationOutcomeKind> classifying,
        Outcome<HttpResponseMessage> outcome,
        HttpResponseMessage response,
        RequestState request,
        ApiKeyLease lease,
        CancellationToken cancellationToken)
    {
        GenerationOutcomeKind kind;
        try
        {
            kind = await classifying.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return ClassifyFailed(e, response, lease, request, cancellationToken);
        }

        return Classified(kind, outcome, response, request, lease);
    }

    private Outcome<HttpResponseMessage> ClassifyFailed(Exception e, HttpResponseMessage response, ApiKeyLease lease, RequestState request, CancellationToken cancellationToken)
    {
        response.Dispose();
        _client.Pool.Complete(lease, outcome: null, 0, null, request);
        request.LastOutcome = e is OperationCanceledException && cancellationToken.IsCancellationRequested ? AttemptOutcome.Canceled : AttemptOutcome.Failure;
        return Outcome.FromException<HttpResponseMessage>(e);
    }

    private Outcome<HttpResponseMessage> Classified(GenerationOutcomeKind kind, Outcome<HttpResponseMessage> outcome, HttpResponseMessage response, RequestState request, ApiKeyLease lease)
    {
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

    /// <summary>No response: a network error, a timeout, a cancellation or another exception from below.</summary>
    private Outcome<HttpResponseMessage> NoResponse(Outcome<HttpResponseMessage> outcome, ApiKeyLease lease, RequestState request, CancellationToken cancellationToken)
    {
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
