using System.Runtime.ExceptionServices;
using GenResilience.Diagnostics.Internal;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace GenResilience.AI.Failover.Internal;

/// <summary>
/// What <see cref="FailoverVideoGenerator"/> and <see cref="FailoverImageGenerator"/> share: the targets in the order
/// calls try them, one circuit breaker per target, and the walk down that order for one call, with its report, logs,
/// metrics and errors.
/// </summary>
/// <typeparam name="TGenerator">The generator type.</typeparam>
internal sealed class FailoverRouter<TGenerator> : IDisposable
    where TGenerator : class, IDisposable
{
    private readonly FailoverTarget<TGenerator>[] _targets;
    private readonly FailoverTarget<TGenerator>[] _order;
    private readonly GenerationFailoverOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GenerationFailoverMetrics _metrics;
    private readonly bool _ownsMetrics;

    public FailoverRouter(
        string medium,
        IEnumerable<(GenerationFailoverTarget<TGenerator> Target, bool Owned)> targets,
        GenerationFailoverOptions options,
        TimeProvider time,
        ILogger logger,
        GenerationFailoverMetrics metrics,
        bool ownsMetrics)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(options);
        Medium = medium;
        Name = medium + " failover";
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _ownsMetrics = ownsMetrics;

        List<string> problems = GenerationFailoverOptionsValidator.Check(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        // A copy: the settings are read once, and a caller changing its options object later changes nothing here.
        _options = new GenerationFailoverOptions
        {
            BreakDuration = options.BreakDuration,
            FailureRatio = options.FailureRatio,
            MinimumThroughput = options.MinimumThroughput,
            SamplingDuration = options.SamplingDuration,
            PreferCheapest = options.PreferCheapest,
            AllowDuplicateAfterAmbiguousFailure = options.AllowDuplicateAfterAmbiguousFailure,
        };

        _targets = [.. targets.Select(t => new FailoverTarget<TGenerator>(t.Target ?? throw new ArgumentException("A failover target is null.", nameof(targets)), t.Owned))];
        if (_targets.Length == 0)
        {
            throw new ArgumentException($"A {Name} needs at least one target.", nameof(targets));
        }

        if (_targets.GroupBy(t => t.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"The {Name} has two targets named '{twice.Key}'; give each target its own name (they name the targets in reports, logs and metrics).", nameof(targets));
        }

        foreach (FailoverTarget<TGenerator> target in _targets)
        {
            target.Attach(BuildCircuit(target));
        }

        // Costs are fixed, so the cheapest-first order is too; OrderBy is stable, so equal costs keep their order.
        _order = _options.PreferCheapest
            ? [.. _targets.OrderBy(t => t.Target.Cost is null).ThenBy(t => t.Target.Cost ?? 0)]
            : _targets;
    }

    /// <summary>Gets <c>video</c> or <c>image</c>.</summary>
    public string Medium { get; }

    /// <summary>Gets the name in messages and log lines: <c>video failover</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the targets in the order they were added.</summary>
    public IReadOnlyList<FailoverTarget<TGenerator>> Targets => _targets;

    /// <summary>Gets the targets in the order calls try them.</summary>
    public IReadOnlyList<FailoverTarget<TGenerator>> Order => _order;

    /// <summary>
    /// Runs one call down the order: a target out of use is passed by, a failure another target could serve moves the
    /// call on, anything else (a failure about the request, the caller's cancellation, an exception that is not a
    /// <see cref="GenerationException"/>) ends it as it is.
    /// </summary>
    public async Task<(TResponse Response, GenerationFailoverReport Report)> RunAsync<TResponse>(
        Func<TGenerator, CancellationToken, Task<TResponse>> call,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var skipped = new List<GenerationFailoverSkip>();
        var failures = new List<Exception>();
        for (int i = 0; i < _order.Length; i++)
        {
            FailoverTarget<TGenerator> target = _order[i];
            if (i > 0)
            {
                Switched(_order[i - 1], target, skipped[^1]);
            }

            TargetOutcome<TResponse> outcome;
            try
            {
                outcome = await target.Circuit.ExecuteAsync(
                    static async (state, token) =>
                    {
                        try
                        {
                            return new TargetOutcome<TResponse>(await state.call(state.Generator, token).ConfigureAwait(false), null);
                        }
                        catch (GenerationException e) when (!FailoverRules.MovesOn(e.Kind))
                        {
                            // The target answered, and the answer is about the request: to its circuit, a success.
                            return new TargetOutcome<TResponse>(default, ExceptionDispatchInfo.Capture(e));
                        }
                    },
                    (call, target.Generator),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (BrokenCircuitException e)
            {
                cancellationToken.ThrowIfCancellationRequested();
                skipped.Add(new GenerationFailoverSkip(target.Name, GenerationFailoverSkipReason.CircuitOpen, target.OpenedOn, target.DescribeOutOfUse(_time.GetUtcNow())));
                failures.Add(e);
                continue;
            }
            catch (GenerationException e) when (FailoverRules.MovesOn(e.Kind))
            {
                // The caller's cancellation ends the call whatever the target said as it went.
                cancellationToken.ThrowIfCancellationRequested();
                skipped.Add(new GenerationFailoverSkip(target.Name, GenerationFailoverSkipReason.Failed, e.Kind, $"failed with {e.Kind}: {e.Message}", e));
                failures.Add(e);
                if (e.MayHaveStartedWork && !_options.AllowDuplicateAfterAmbiguousFailure && i < _order.Length - 1)
                {
                    FailoverLog.AmbiguousFailureNotMoved(_logger, Name, target.Name, e.Kind, _order[i + 1].Name);
                    throw FailoverErrors.AmbiguousFailure(this, target.Name, _order[i + 1].Name, e, skipped);
                }

                continue;
            }

            outcome.RequestFault?.Throw();
            return (outcome.Response!, new GenerationFailoverReport(target.Name, skipped));
        }

        GenerationException error = FailoverErrors.AllFailed(this, skipped, failures, _options.BreakDuration, _time.GetUtcNow());
        FailoverLog.AllTargetsFailed(_logger, Name, string.Join("; ", skipped.Select(s => $"[{s.Target}] {Summary(s)}")));
        throw error;
    }

    /// <summary>Asks each target in turn, for services the failover does not provide itself (a provider client, ...).</summary>
    public object? GetService(Type serviceType, object? serviceKey, Func<TGenerator, Type, object?, object?> ask)
    {
        foreach (FailoverTarget<TGenerator> target in _targets)
        {
            if (ask(target.Generator, serviceType, serviceKey) is { } service)
            {
                return service;
            }
        }

        return null;
    }

    public void Dispose()
    {
        foreach (FailoverTarget<TGenerator> target in _targets.Where(t => t.OwnsGenerator))
        {
            target.Generator.Dispose();
        }

        if (_ownsMetrics)
        {
            _metrics.Dispose();
        }
    }

    private static string Summary(GenerationFailoverSkip skip)
        => skip.Reason == GenerationFailoverSkipReason.Failed ? "failed with " + skip.ErrorKind : skip.Message;

    private void Switched(FailoverTarget<TGenerator> from, FailoverTarget<TGenerator> to, GenerationFailoverSkip why)
    {
        if (why.Reason == GenerationFailoverSkipReason.Failed)
        {
            FailoverLog.Switched(_logger, Name, from.Name, why.ErrorKind ?? GenerationErrorKind.Unknown, to.Name);
            _metrics.Switch(Medium, from.Name, to.Name, FailoverRules.TagValue(why.ErrorKind ?? GenerationErrorKind.Unknown));
        }
        else
        {
            FailoverLog.SkippedOutOfUse(_logger, Name, from.Name, why.Message, to.Name);
            _metrics.Switch(Medium, from.Name, to.Name, FailoverRules.CircuitOpenTag);
        }
    }

    private ResiliencePipeline BuildCircuit(FailoverTarget<TGenerator> target)
        => new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                Name = "GenResilience.Failover." + target.Name,
                FailureRatio = _options.FailureRatio,
                MinimumThroughput = _options.MinimumThroughput,
                SamplingDuration = _options.SamplingDuration,
                BreakDuration = _options.BreakDuration,
                StateProvider = target.StateProvider,
                ShouldHandle = static args => new ValueTask<bool>(args.Outcome.Exception is GenerationException e && FailoverRules.CountsAgainstTarget(e.Kind)),
                OnOpened = args =>
                {
                    GenerationErrorKind? kind = (args.Outcome.Exception as GenerationException)?.Kind;
                    target.Opened(kind, _time.GetUtcNow() + args.BreakDuration);
                    FailoverLog.TargetOutOfUse(_logger, Name, target.Name, new LogDuration(args.BreakDuration), kind?.ToString() ?? "failures");
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    target.TrialStarted(_time.GetUtcNow() + _options.BreakDuration);
                    FailoverLog.TargetTrial(_logger, Name, target.Name);
                    return default;
                },
                OnClosed = _ =>
                {
                    FailoverLog.TargetBackInUse(_logger, Name, target.Name);
                    return default;
                },
            })
            .Build();

    /// <summary>What one target made of a call: the response, or a failure about the request to rethrow as it is.</summary>
    private readonly record struct TargetOutcome<TResponse>(TResponse? Response, ExceptionDispatchInfo? RequestFault);
}
