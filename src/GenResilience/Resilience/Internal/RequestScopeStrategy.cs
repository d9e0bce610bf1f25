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

    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state)
    {
        HttpRequestMessage? request = context.GetRequestMessage();
        string? operation = null;
        TimeSpan? total = _options.TotalTimeout;

        // Most requests carry no per-request settings: then skip every lookup.
        bool settings = request is not null && ((IDictionary<string, object?>)request.Options).Count > 0;
        if (settings && request is not null)
        {
            _ = request.Options.TryGetValue(GenerationHttpRequestMessageExtensions.OperationKey, out operation);
            if (request.Options.TryGetValue(GenerationHttpRequestMessageExtensions.TotalTimeoutKey, out TimeSpan requested))
            {
                total = requested;
            }
        }

        DateTimeOffset? deadline = total is { } t ? _client.TimeProvider.GetUtcNow() + t : null;
        var requestState = new RequestState(_client, _options, operation, deadline, total);
        if (request is not null)
        {
            requestState.Method = request.Method.Method;
            bool retry = false;
            if (settings)
            {
                requestState.IsProbe = request.Options.TryGetValue(GenerationHttpRequestMessageExtensions.ProbeKey, out bool probe) && probe;
                requestState.ProbeApiKey = request.Options.TryGetValue(GenerationHttpRequestMessageExtensions.ProbeApiKeyKey, out string? probeKey) ? probeKey : null;
                settings = request.Options.TryGetValue(GenerationHttpRequestMessageExtensions.RetryAfterAmbiguousFailureKey, out retry);
            }

            requestState.RetryAmbiguous = settings ? retry : IsIdempotent(request.Method) || _options.RetryNonIdempotentAfterAmbiguousFailure;

            // A request marked safe to repeat (a poll, an upload, a create the provider de-duplicates) starts no second job.
            requestState.StartsWork = !requestState.IsProbe && !IsIdempotent(request.Method) && !(settings && retry);
        }

        context.Properties.Set(GenerationPipelineKeys.State, requestState);
        request?.Options.Set(RequestState.Key, requestState);

        // Traced and timed only when someone listens: a request nobody observes pays two checks, and the state
        // machine (boxed when the request completes later) holds one long more.
        requestState.Activity = GenerationActivities.Start(requestState, request);
        long started = requestState.Activity is not null || _client.Metrics.RequestDurationEnabled ? _client.TimeProvider.GetTimestamp() : 0;

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
            if (outcome.Result is { Content: { } content } response && deadline is { } bound && content is not (ByteArrayContent or ReadOnlyMemoryContent))
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
