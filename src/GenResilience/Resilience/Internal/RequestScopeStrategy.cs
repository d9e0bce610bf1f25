using System.Diagnostics;
using GenResilience.Diagnostics.Internal;
using GenResilience.Errors.Internal;
using Polly;
using Polly.Timeout;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// The outermost strategy: opens the request's <see cref="RequestState"/> (operation, deadline) before anything
/// else runs, and turns Polly's timeout exception into a <see cref="GenerationException"/> that says what timed out.
/// </summary>
internal sealed class RequestScopeStrategy : ResilienceStrategy<HttpResponseMessage>
{
    private readonly GenerationClientContext _client;
    private readonly GenerationResilienceOptions _options;

    public RequestScopeStrategy(GenerationClientContext client, GenerationResilienceOptions options)
    {
        _client = client;
        _options = options;
    }

    protected override ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state)
    {
        RequestState requestState = Open(context);

        // Traced and timed only when someone listens: a request nobody observes pays two checks.
        long started = _client.Metrics.RequestDurationEnabled ? _client.TimeProvider.GetTimestamp() : 0;
        if (GenerationActivities.Source.HasListeners())
        {
            return TracedAsync(callback, context, state, requestState, started);
        }

        // Without an async state machine when the pipeline below completes at once (an in-memory handler, a cached
        // answer); the work after it is the same either way.
        ValueTask<Outcome<HttpResponseMessage>> pending;
        try
        {
            pending = callback(context, state);
        }
        catch (Exception e)
        {
            return ValueTask.FromException<Outcome<HttpResponseMessage>>(e);
        }

        return pending.IsCompletedSuccessfully
            ? new ValueTask<Outcome<HttpResponseMessage>>(Close(pending.Result, context, requestState, started))
            : CloseAsync(pending, context, requestState, started);
    }

    /// <summary>Creates the request's state and puts it in the context and on the request.</summary>
    private RequestState Open(ResilienceContext context)
    {
        HttpRequestMessage? request = context.GetRequestMessage();

        // Most requests carry no per-request settings: then one look-up finds none.
        GenerationRequestSettings? settings = GenerationRequestSettings.Of(request);
        string? operation = settings?.Operation;
        TimeSpan? total = settings?.TotalTimeout is { } requested ? requested : _options.TotalTimeout;

        DateTimeOffset? deadline = total is { } t ? _client.TimeProvider.GetUtcNow() + t : null;
        var requestState = new RequestState(_client, _options, operation, deadline, total) { Message = request };
        if (request is not null)
        {
            requestState.Method = request.Method.Method;
            if (settings is not null)
            {
                requestState.IsProbe = settings.Probe;
                requestState.ProbeApiKey = settings.ProbeApiKey;
            }

            bool? retry = settings?.RetryAfterAmbiguousFailure;
            requestState.RetryAmbiguous = retry ?? (IsIdempotent(request.Method) || _options.RetryNonIdempotentAfterAmbiguousFailure);

            // A request marked safe to repeat (a poll, an upload, a create the provider de-duplicates) starts no second job.
            requestState.StartsWork = !requestState.IsProbe && !IsIdempotent(request.Method) && retry != true;
        }

        context.Properties.Set(GenerationPipelineKeys.State, requestState);
        request?.Options.Set(RequestState.Key, requestState);
        return requestState;
    }

    /// <summary>
    /// The request while someone traces it: its activity is <see cref="Activity.Current"/> for everything below, and
    /// only for that (an async method restores the caller's <see cref="Activity.Current"/> when it returns).
    /// </summary>
    private async ValueTask<Outcome<HttpResponseMessage>> TracedAsync<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state,
        RequestState requestState,
        long started)
    {
        requestState.Activity = GenerationActivities.Start(requestState, requestState.Message);
        if (requestState.Activity is not null && started == 0)
        {
            started = _client.TimeProvider.GetTimestamp();
        }

        Outcome<HttpResponseMessage> outcome;
        try
        {
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception e) when (requestState.Activity is { } failed)
        {
            GenerationActivities.Stop(failed, requestState, Outcome.FromException<HttpResponseMessage>(e));
            throw;
        }

        return Close(outcome, context, requestState, started);
    }

    private async ValueTask<Outcome<HttpResponseMessage>> CloseAsync(ValueTask<Outcome<HttpResponseMessage>> pending, ResilienceContext context, RequestState requestState, long started)
    {
        Outcome<HttpResponseMessage> outcome = await pending.ConfigureAwait(context.ContinueOnCapturedContext);
        return Close(outcome, context, requestState, started);
    }

    private Outcome<HttpResponseMessage> Close(Outcome<HttpResponseMessage> outcome, ResilienceContext context, RequestState requestState, long started)
    {
        if (outcome.Exception is TimeoutRejectedException timeout && !context.CancellationToken.IsCancellationRequested)
        {
            outcome = Outcome.FromException<HttpResponseMessage>(GenerationErrors.TimedOut(requestState, timeout));
        }

        // SocketsHttpHandler's connect timeout surfaces as a TaskCanceledException the caller did not cause.
        else if (outcome.Exception is OperationCanceledException { InnerException: TimeoutException } connect && !context.CancellationToken.IsCancellationRequested)
        {
            outcome = Outcome.FromException<HttpResponseMessage>(GenerationErrors.ConnectTimedOut(requestState, connect));
        }
        else
        {
            // The body is read after the pipeline returns: bound it by the same deadline. A body already in memory cannot stall.
            if (outcome.Result is { Content: { } content } response && requestState.Deadline is { } bound && content is not (ByteArrayContent or ReadOnlyMemoryContent))
            {
                response.Content = new DeadlineBoundContent(content, requestState, bound);
            }

            if (requestState.Attempts > 1 && requestState.LastOutcome is not (AttemptOutcome.Success or AttemptOutcome.Canceled))
            {
                Log.GaveUp(_client.Logger, requestState.Target, requestState.Attempts, Describe(requestState));
            }
        }

        if (started != 0 || requestState.Activity is not null)
        {
            Observe(requestState, outcome, started);
        }

        return outcome;
    }

    /// <summary>Records the request's duration and ends its activity.</summary>
    private void Observe(RequestState requestState, Outcome<HttpResponseMessage> outcome, long started)
    {
        if (started != 0 && _client.Metrics.RequestDurationEnabled)
        {
            TimeSpan elapsed = _client.TimeProvider.GetElapsedTime(started);
            _client.Metrics.Request(_client.Provider, requestState.Operation, GenerationActivities.OutcomeName(requestState, outcome), GenerationActivities.ErrorType(requestState, outcome), elapsed);
        }

        if (requestState.Activity is { } activity)
        {
            GenerationActivities.Stop(activity, requestState, outcome);
        }
    }

    /// <summary>RFC 9110's idempotent methods: repeating them has the effect of sending them once.</summary>
    private static bool IsIdempotent(HttpMethod method)
        => method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put || method == HttpMethod.Delete
            || method == HttpMethod.Options || method == HttpMethod.Trace;

    private static string Describe(RequestState state)
        => state.LastStatusCode is { } status && state.LastOutcome is not (AttemptOutcome.NetworkError or AttemptOutcome.AttemptTimeout)
            ? $"{state.LastOutcome} ({status})"
            : state.LastOutcome.ToString();
}
