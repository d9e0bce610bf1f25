using GenResilience.AI.Failover.Internal;

namespace GenResilience;

/// <summary>
/// How a <see cref="FailoverVideoGenerator"/> or <see cref="FailoverImageGenerator"/> picks its target: when a failing
/// target is taken out of use (a Polly circuit breaker per target, shared by every call through the failover), for how
/// long, in which order the healthy ones are tried, and whether a paid job that may have started may be started again
/// elsewhere.
/// </summary>
/// <remarks>
/// The settings are read once, when the failover is created. A target is taken out of use when, within
/// <see cref="SamplingDuration"/>, at least <see cref="MinimumThroughput"/> calls went to it and at least
/// <see cref="FailureRatio"/> of them failed in a way that moves a call on (see docs/failover.md). It is skipped for
/// <see cref="BreakDuration"/>; then the next call tries it (a trial), and a success brings it back.
/// </remarks>
public sealed class GenerationFailoverOptions
{
    /// <summary>
    /// Gets or sets how long a target that was taken out of use is skipped before a call tries it again.
    /// </summary>
    /// <value>The default is 2 minutes. Between 1 second and 1 day.</value>
    public TimeSpan BreakDuration { get; set; } = GenerationFailoverConstants.DefaultBreakDuration;

    /// <summary>
    /// Gets or sets the share of failed calls, within <see cref="SamplingDuration"/>, that takes a target out of use.
    /// </summary>
    /// <value>The default is 0.5. More than 0, at most 1.</value>
    public double FailureRatio { get; set; } = GenerationFailoverConstants.DefaultFailureRatio;

    /// <summary>
    /// Gets or sets how many calls a target must have had within <see cref="SamplingDuration"/> before its failures
    /// can take it out of use.
    /// </summary>
    /// <value>The default is 2 (the least Polly's circuit breaker takes): one failed call moves that call on, a second takes the target out of use.</value>
    public int MinimumThroughput { get; set; } = GenerationFailoverConstants.DefaultMinimumThroughput;

    /// <summary>
    /// Gets or sets the window over which a target's calls are counted. Video calls take minutes, so the window is
    /// longer than Polly's 30 s default.
    /// </summary>
    /// <value>The default is 5 minutes. Between 1 second and 1 day.</value>
    public TimeSpan SamplingDuration { get; set; } = GenerationFailoverConstants.DefaultSamplingDuration;

    /// <summary>
    /// Gets or sets a value indicating whether the healthy targets are tried cheapest first, by the cost given to
    /// each target, instead of in the order they were added. Targets without a cost come after those with one;
    /// targets of equal cost keep their order.
    /// </summary>
    /// <value>The default is <see langword="false"/>: the order they were added in.</value>
    public bool PreferCheapest { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a call moves to the next target after a failure that may have started a
    /// paid job on this one (<see cref="GenerationException.MayHaveStartedWork"/>: a create that timed out or met a
    /// 5xx other than Cloudflare's 522 and 523, a job whose wait failed). Such a move can pay twice for one video.
    /// </summary>
    /// <value>The default is <see langword="false"/>: the call fails with an error that says so.</value>
    public bool AllowDuplicateAfterAmbiguousFailure { get; set; }
}
