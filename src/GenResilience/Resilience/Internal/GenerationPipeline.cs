using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using GenResilience.Diagnostics.Internal;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// Builds the GenResilience pipeline from Polly's own strategies plus two small ones of ours:
/// <code>
/// Request scope      opens the request's state; Polly timeouts become GenerationException(Timeout)
///   Total timeout    options.TotalTimeout or the request's own (none by default)
///   Server retry     5xx/522/523, network errors, attempt timeouts: after RetryDelays (5 s, 15 s, 30 s)
///   Rate-limit retry 429: up to MaxRateLimitRetries; the wait itself happens in key acquisition
///   Key rotation     rejected key: at once, with the next key
///   Key acquisition  takes a usable key (or waits out the shared cooldown), classifies the outcome
///   Attempt timeout  options.AttemptTimeout or the request's own (60 s)
/// </code>
/// </summary>
internal static class GenerationPipeline
{
    // Polly's AddStrategy validates the strategy options by their data annotations, so it asks callers to keep the
    // options type's members (IL2026) with a DynamicDependency, as Polly's own AddRetry and AddTimeout do.
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(GenerationStrategyOptions))]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "GenerationStrategyOptions is kept whole by the DynamicDependency above.")]
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, GenerationClientContext client, GenerationResilienceOptions options)
    {
        builder.TimeProvider = client.TimeProvider;

        builder.AddStrategy(_ => new RequestScopeStrategy(client, options), new GenerationStrategyOptions(GenerationPipelineKeys.RequestScope));

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = GenerationPipelineKeys.TotalTimeout,
            TimeoutGenerator = static args => new ValueTask<TimeSpan>(GenerationPipelineKeys.GetState(args.Context).TotalTimeout ?? Timeout.InfiniteTimeSpan),
        });

        if (options.RetryDelays.Count > 0)
        {
            builder.AddRetry(ServerErrorRetry(client, options));
        }

        if (options.MaxRateLimitRetries > 0)
        {
            builder.AddRetry(RateLimitRetry(client, options));
        }

        if (options.ApiKeys.Count > 0)
        {
            builder.AddRetry(KeyRotation(client, options));
        }

        builder.AddStrategy(_ => new KeyAcquisitionStrategy(client), new GenerationStrategyOptions(GenerationPipelineKeys.KeyAcquisition));

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = GenerationPipelineKeys.AttemptTimeout,
            TimeoutGenerator = args => new ValueTask<TimeSpan>(
                args.Context.GetRequestMessage() is { } request
                && request.Options.TryGetValue(GenerationHttpRequestMessageExtensions.AttemptTimeoutKey, out TimeSpan requested)
                    ? requested
                    : options.AttemptTimeout),
        });
    }

    private static RetryStrategyOptions<HttpResponseMessage> ServerErrorRetry(GenerationClientContext client, GenerationResilienceOptions options)
    {
        TimeSpan[] delays = [.. options.RetryDelays];
        bool jitter = options.UseJitter;
        return new RetryStrategyOptions<HttpResponseMessage>
        {
            Name = GenerationPipelineKeys.ServerErrorRetry,
            MaxRetryAttempts = delays.Length,
            BackoffType = DelayBackoffType.Constant,
            Delay = TimeSpan.Zero,
            UseJitter = false,
            ShouldHandle = args => new ValueTask<bool>(ShouldRetryServerError(client, GenerationPipelineKeys.GetState(args.Context), args.Outcome)),
            DelayGenerator = args =>
            {
                TimeSpan delay = delays[Math.Min(args.AttemptNumber, delays.Length - 1)];
                if (jitter)
                {
#pragma warning disable CA5394 // Jitter spreads retries; it needs no cryptographic randomness.
                    delay *= 0.75 + (Random.Shared.NextDouble() * 0.5);
#pragma warning restore CA5394
                }

                return new ValueTask<TimeSpan?>(delay);
            },
            OnRetry = args =>
            {
                RequestState state = GenerationPipelineKeys.GetState(args.Context);
                ILogger logger = client.Logger;
                if (logger.IsEnabled(LogLevel.Information))
                {
                    string reason = Reason(state, args.Outcome);
                    Log.RetryingAfterFailure(logger, state.Target, reason, new LogDuration(args.RetryDelay), args.AttemptNumber + 1, delays.Length);
                }

                string metricReason = KeyAcquisitionStrategy.MetricName(state.LastOutcome);
                client.Metrics.Retry(client.Provider, metricReason);
                if (state.Activity is { } activity)
                {
                    GenerationActivities.Retry(activity, state.Attempts, metricReason, args.RetryDelay);
                }

                return default;
            },
        };
    }

    /// <summary>
    /// Server errors, network errors and attempt timeouts are retried, except a failure that may have reached the
    /// service on a request that must not be repeated (see <see cref="GenerationResilienceOptions.RetryNonIdempotentAfterAmbiguousFailure"/>).
    /// </summary>
    private static bool ShouldRetryServerError(GenerationClientContext client, RequestState state, Outcome<HttpResponseMessage> outcome)
    {
        if (state.IsProbe || state.LastOutcome is not (AttemptOutcome.ServerError or AttemptOutcome.NetworkError or AttemptOutcome.AttemptTimeout))
        {
            return false;
        }

        if (!state.MayHaveReachedOrigin || state.RetryAmbiguous)
        {
            return true;
        }

        if (!state.NotRetriedAsAmbiguous)
        {
            state.NotRetriedAsAmbiguous = true;
            Log.AmbiguousFailureNotRetried(client.Logger, state.Target, Reason(state, outcome), state.Method, string.Format(CultureInfo.InvariantCulture, client.SettingFormat, nameof(GenerationResilienceOptions.RetryNonIdempotentAfterAmbiguousFailure)));
        }

        return false;
    }

    private static RetryStrategyOptions<HttpResponseMessage> RateLimitRetry(GenerationClientContext client, GenerationResilienceOptions options)
    {
        int budget = options.MaxRateLimitRetries;
        return new RetryStrategyOptions<HttpResponseMessage>
        {
            Name = GenerationPipelineKeys.RateLimitRetry,
            MaxRetryAttempts = budget,
            Delay = TimeSpan.Zero,
            UseJitter = false,

            // The budget is per request, not per run of this strategy: a server-error retry around it starts a new run.
            ShouldHandle = args =>
            {
                RequestState state = GenerationPipelineKeys.GetState(args.Context);
                return new ValueTask<bool>(!state.IsProbe && state.LastOutcome == AttemptOutcome.RateLimited && state.RateLimitRetries < budget);
            },
            OnRetry = args =>
            {
                RequestState state = GenerationPipelineKeys.GetState(args.Context);
                state.RateLimitRetries++;
                client.Metrics.Retry(client.Provider, "rate_limited");
                if (state.Activity is { } activity)
                {
                    GenerationActivities.Retry(activity, state.Attempts, "rate_limited", args.RetryDelay);
                }

                return default;
            },
        };
    }

    private static RetryStrategyOptions<HttpResponseMessage> KeyRotation(GenerationClientContext client, GenerationResilienceOptions options)
        => new()
        {
            Name = GenerationPipelineKeys.KeyRotation,

            // Each rejection quarantines a key, and acquisition fails once none is left: this bound is never the one that stops.
            MaxRetryAttempts = options.ApiKeys.Count,
            Delay = TimeSpan.Zero,
            UseJitter = false,
            ShouldHandle = static args => new ValueTask<bool>(GenerationPipelineKeys.GetState(args.Context) is { IsProbe: false, LastOutcome: AttemptOutcome.KeyRejected }),
            OnRetry = args =>
            {
                client.Metrics.Retry(client.Provider, "key_rejected");
                RequestState state = GenerationPipelineKeys.GetState(args.Context);
                if (state.Activity is { } activity)
                {
                    GenerationActivities.Retry(activity, state.Attempts, "key_rejected", args.RetryDelay);
                }

                return default;
            },
        };

    private static string Reason(RequestState state, Outcome<HttpResponseMessage> outcome) => state.LastOutcome switch
    {
        // A classifier may call a 200 a server error (Bytez's "model is loading" inside a 200): "server error 200" would mislead.
        AttemptOutcome.ServerError when state.LastStatusCode is >= 200 and < 300 => "error inside a " + state.LastStatusCode?.ToString(CultureInfo.InvariantCulture) + " answer",
        AttemptOutcome.ServerError => "server error " + state.LastStatusCode?.ToString(CultureInfo.InvariantCulture),
        AttemptOutcome.AttemptTimeout when outcome.Exception is TimeoutRejectedException timeout => "attempt timed out after " + Durations.Format(timeout.Timeout),
        AttemptOutcome.AttemptTimeout => "attempt timed out",
        _ => "network error (" + outcome.Exception?.Message + ")",
    };
}
