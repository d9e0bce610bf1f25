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
            ? new ValueTask<Outcome<HttpResponseMessage>>(Close(pending.Result, context, requestState))
            : CloseAsync(pending, context, requestState);
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

            requestState.RetryAmbiguous = settings?.RetryAfterAmbiguousFailure is { } retry
                ? retry
                : IsIdempotent(request.Method) || _options.RetryNonIdempotentAfterAmbiguousFailure;
        }

        context.Properties.Set(GenerationPipelineKeys.State, requestState);
        request?.Options.Set(RequestState.Key, requestState);
        return requestState;
    }

    private async ValueTask<Outcome<HttpResponseMessage>> CloseAsync(ValueTask<Outcome<HttpResponseMessage>> pending, ResilienceContext context, RequestState requestState)
    {
        Outcome<HttpResponseMessage> outcome = await pending.ConfigureAwait(context.ContinueOnCapturedContext);
        return Close(outcome, context, requestState);
    }

    private Outcome<HttpResponseMessage> Close(Outcome<HttpResponseMessage> outcome, ResilienceContext context, RequestState requestState)
    {
        if (outcome.Exception is TimeoutRejectedException timeout && !context.CancellationToken.IsCancellationRequested)
        {
            return Outcome.FromException<HttpResponseMessage>(GenerationErrors.TimedOut(requestState, timeout));
        }

        // SocketsHttpHandler's connect timeout surfaces as a TaskCanceledException the caller did not cause.
        if (outcome.Exception is OperationCanceledException { InnerException: TimeoutException } connect && !context.CancellationToken.IsCancellationRequested)
        {
            return Outcome.FromException<HttpResponseMessage>(GenerationErrors.ConnectTimedOut(requestState, connect));
        }

        // The body is read after the pipeline returns: bound it by the same deadline. A body already in memory cannot stall.
        if (outcome.Result is { Content: { } content } response && requestState.Deadline is { } bound && content is not (ByteArrayContent or ReadOnlyMemoryContent))
        {
            response.Content = new DeadlineBoundContent(content, requestState, bound);
        }

        if (requestState.Attempts > 1 && requestState.LastOutcome is not (AttemptOutcome.Success or AttemptOutcome.Canceled))
        {
            Log.GaveUp(_client.Logger, requestState.Target, requestState.Attempts, Describe(requestState));
        }

        return outcome;
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
