using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using GenResilience.Diagnostics.Internal;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// Builds the GenResilience pipeline from Polly's timeouts plus two strategies of ours:
/// <code>
/// Request scope      opens the request's state; Polly timeouts become GenerationException(Timeout)
///   Total timeout    options.TotalTimeout or the request's own (15 min by default)
///   Retry            each attempt: takes a usable key (or waits out the shared cooldown), sends, classifies the
///                    outcome; then one retry decision for every reason, each with its own budget (see <see cref="Decide"/>):
///                      server error: 5xx/522/523, network errors, attempt timeouts, after RetryDelays (5 s, 15 s, 30 s)
///                      rate limit:   429, up to MaxRateLimitRetries; the wait itself happens in key acquisition
///                      key rotation: rejected key, at once, with the next key
///   Attempt timeout  options.AttemptTimeout or the request's own (60 s)
/// </code>
/// The retry was three nested Polly retry strategies (server errors outermost, key rotation innermost) around a key
/// acquisition strategy. Each Polly strategy costs every request a layer of Polly's pipeline, so the retry is one
/// <see cref="KeyAcquisitionStrategy"/> that runs Polly's retry loop with the options built here. <see cref="Decide"/>
/// keeps the three retries' budgets and their order: a rate-limit or server-error retry starts the key rotation's
/// budget afresh, as it started a new run of the inner strategy.
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

        if (options.RetryDelays.Count > 0 || options.MaxRateLimitRetries > 0 || options.ApiKeys.Count > 0)
        {
            // One strategy retries and acquires keys: Polly's retry loop around the key acquisition, without a layer between.
            RetryStrategyOptions<HttpResponseMessage> retry = Retry(client, options);
            builder.AddStrategy(context => new KeyAcquisitionStrategy(client, retry, context.Telemetry, context.TimeProvider), retry);
        }
        else
        {
            builder.AddStrategy(_ => new KeyAcquisitionStrategy(client), new GenerationStrategyOptions(GenerationPipelineKeys.KeyAcquisition));
        }

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = GenerationPipelineKeys.AttemptTimeout,
            TimeoutGenerator = args => new ValueTask<TimeSpan>(
                GenerationRequestSettings.Of(args.Context.GetRequestMessage())?.AttemptTimeout is { } requested
                    ? requested
                    : options.AttemptTimeout),
        });
    }

    private static RetryStrategyOptions<HttpResponseMessage> Retry(GenerationClientContext client, GenerationResilienceOptions options)
    {
        TimeSpan[] delays = [.. options.RetryDelays];
        bool jitter = options.UseJitter;
        int rateLimitBudget = options.MaxRateLimitRetries;

        // Each rejection quarantines a key, and acquisition fails once none is left: this bound is rarely the one that stops.
        int keyRotationBudget = options.ApiKeys.Count;
        return new RetryStrategyOptions<HttpResponseMessage>
        {
            Name = GenerationPipelineKeys.Retry,

            // Every reason has its own budget, checked in Decide.
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Constant,
            Delay = TimeSpan.Zero,
            UseJitter = false,
            ShouldHandle = args =>
            {
                RequestState state = GenerationPipelineKeys.GetState(args.Context);
                state.PendingRetry = Decide(client, state, args.Outcome, delays.Length, rateLimitBudget, keyRotationBudget);
                return new ValueTask<bool>(state.PendingRetry != RetryReason.None);
            },
            DelayGenerator = args =>
            {
                RequestState state = GenerationPipelineKeys.GetState(args.Context);
                if (state.PendingRetry != RetryReason.ServerError)
                {
                    // The rate-limit wait happens in key acquisition; a rejected key is replaced at once.
                    return new ValueTask<TimeSpan?>(TimeSpan.Zero);
                }

                TimeSpan delay = delays[Math.Min(state.ServerErrorRetries, delays.Length - 1)];
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
                switch (state.PendingRetry)
                {
                    case RetryReason.ServerError:
                        ILogger logger = client.Logger;
                        if (logger.IsEnabled(LogLevel.Information))
                        {
                            string reason = Reason(state, args.Outcome);
                            Log.RetryingAfterFailure(logger, state.Target, reason, new LogDuration(args.RetryDelay), state.ServerErrorRetries + 1, delays.Length);
                        }

                        state.ServerErrorRetries++;
                        state.KeyRotations = 0;
                        Retried(client, state, KeyAcquisitionStrategy.MetricName(state.LastOutcome), args.RetryDelay);
                        break;

                    case RetryReason.RateLimited:
                        state.RateLimitRetries++;
                        state.KeyRotations = 0;
                        Retried(client, state, "rate_limited", args.RetryDelay);
                        break;

                    case RetryReason.KeyRejected:
                        state.KeyRotations++;
                        Retried(client, state, "key_rejected", args.RetryDelay);
                        break;
                }

                return default;
            },
        };
    }

    /// <summary>The retries metric and, when the request is traced, a retry event on its activity.</summary>
    private static void Retried(GenerationClientContext client, RequestState state, string reason, TimeSpan delay)
    {
        client.Metrics.Retry(client.Provider, reason);
        if (state.Activity is { } activity)
        {
            GenerationActivities.Retry(activity, state.Attempts, reason, delay);
        }
    }

    /// <summary>
    /// Whether to retry, and why, as the three nested retries decided: key rotation (innermost) saw the outcome first,
    /// then the rate-limit retry, then the server-error retry. A probe is never retried. A rejected key is retried up
    /// to <paramref name="keyRotationBudget"/> times since the last retry of another kind; a 429 while the request has
    /// 429 retries left (<see cref="GenerationResilienceOptions.MaxRateLimitRetries"/> is per request); a server error,
    /// network error or attempt timeout while server-error retries are left, unless it is an ambiguous failure that
    /// must not be repeated (<see cref="ShouldRetryServerError"/>, asked for every outcome that reaches it, as before).
    /// </summary>
    internal static RetryReason Decide(GenerationClientContext client, RequestState state, Outcome<HttpResponseMessage> outcome, int serverErrorBudget, int rateLimitBudget, int keyRotationBudget)
    {
        if (keyRotationBudget > 0 && state is { IsProbe: false, LastOutcome: AttemptOutcome.KeyRejected })
        {
            // Past its budget, neither of the other two retries handles a rejected key.
            return state.KeyRotations < keyRotationBudget ? RetryReason.KeyRejected : RetryReason.None;
        }

        if (rateLimitBudget > 0 && state is { IsProbe: false, LastOutcome: AttemptOutcome.RateLimited })
        {
            return state.RateLimitRetries < rateLimitBudget ? RetryReason.RateLimited : RetryReason.None;
        }

        return serverErrorBudget > 0 && ShouldRetryServerError(client, state, outcome) && state.ServerErrorRetries < serverErrorBudget
            ? RetryReason.ServerError
            : RetryReason.None;
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
