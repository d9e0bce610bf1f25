namespace GenResilience.Keys.Internal;

/// <summary>
/// The rate one key is admitted at, learned from the 429s it meets, in the spirit of the AWS SDKs' "adaptive" retry
/// mode: a token bucket whose rate drops on a 429 and grows back, along a cubic curve, while requests succeed.
/// Not thread-safe: <see cref="KeyAdmission"/> calls it under its lock.
/// </summary>
/// <remarks>
/// <para>
/// Slow start ends at the first 429 after the first cooldown, like the AWS SDKs: 70 % of the rate that drew it. From
/// then on, the rate is set from what the provider <em>admitted</em> while the key was at its limit: the requests it
/// accepted since the last cooldown ended, less the burst it accepts at once (learned at the first 429), over the
/// time they took. A provider with a token bucket of 10 and 100 requests per second is estimated at close to 100,
/// not at whatever rate the client happened to overshoot to.
/// </para>
/// <para>
/// Growth happens only while requests are waiting for this key (time "at the limit"): a key that is idle or sending
/// below its rate keeps what it learned, so a quiet hour does not turn into an unbounded rate and a fresh 429 storm.
/// </para>
/// </remarks>
internal sealed class AdaptiveRate
{
    /// <summary>After a 429 the key continues at this share of the estimated admitted rate.</summary>
    internal const double DecreaseFactor = 0.8;

    /// <summary>The lowest rate ever used: one request per 100 s.</summary>
    internal const double MinRate = 0.01;

    /// <summary>No pacing at all above this rate.</summary>
    internal const double MaxRate = 1_000_000;

    /// <summary>Seconds at the limit for the rate to climb back to the estimate after a decrease; beyond it, it probes slowly.</summary>
    internal const double RecoverySeconds = 3;

    /// <summary>The share of the sending rate kept when slow start ends with a 429.</summary>
    internal const double SlowStartExitFactor = 0.7;

    /// <summary>Before the first estimate (right after the first 429) the rate doubles every quarter second at the limit.</summary>
    internal const double SlowStartDoublingSeconds = 0.25;

    private double _estimate;
    private double _secondsAtLimit;
    private bool _slowStart = true;
    private double _burst = 1;

    /// <summary>Initializes a new instance of the <see cref="AdaptiveRate"/> class at the first 429 of a key.</summary>
    /// <param name="admittedInLastSecond">Successes of the key in the second before the 429: the burst the provider accepts.</param>
    public AdaptiveRate(int admittedInLastSecond)
    {
        _burst = Math.Max(1, admittedInLastSecond);

        // The provider accepted this many in the last second: a safe start, raised quickly by slow start.
        Rate = Clamp(_burst);
    }

    /// <summary>Gets the rate in requests per second.</summary>
    public double Rate { get; private set; }

    /// <summary>Gets the rate the provider was last estimated to admit; 0 before the second 429.</summary>
    public double Estimate => _estimate;

    /// <summary>Learns from a 429 on a request that was sent at this rate.</summary>
    /// <param name="admittedSinceCooldown">Successes of requests released since the last cooldown ended.</param>
    /// <param name="secondsSinceCooldown">Seconds from the end of the last cooldown to this 429.</param>
    /// <param name="recentAdmittedRate">Successes per second over the last half second or so: a cap on the rate when slow start ends.</param>
    public void OnRateLimited(int admittedSinceCooldown, double secondsSinceCooldown, double recentAdmittedRate = 0)
    {
        _secondsAtLimit = 0;
        if (_slowStart)
        {
            // The rate doubled until the provider's bucket ran dry: it overshot by the growth of the last moments,
            // and the time since the cooldown was mostly spent below the limit, so neither count nor time says much.
            // Continue at 70 % of the rate that drew the 429 (the AWS SDKs' factor), but never above what the
            // provider accepted in the last second, and probe slowly from there.
            _slowStart = false;
            // The cap matters for slow providers, where doubling in time overshoots most (a 1-per-second plan draws
            // its 429 at 16 per second): what the provider was just seen to accept bounds what it accepts.
            double rate = Rate * SlowStartExitFactor;
            Rate = Clamp(recentAdmittedRate > 0 ? Math.Min(rate, recentAdmittedRate) : rate);
            _estimate = Rate;
            _secondsAtLimit = RecoverySeconds;
            return;
        }

        double admitted = admittedSinceCooldown - _burst;
        if (admitted <= 0 || secondsSinceCooldown <= 0)
        {
            // Refused at once (often the trial after a cooldown): nothing new to learn from, so back off.
            Rate = Clamp(Rate / 2);
            _estimate = Rate / DecreaseFactor;
            return;
        }

        // At the limit since the cooldown: the provider admitted its burst, then its rate.
        _estimate = Clamp(admitted / secondsSinceCooldown);
        Rate = Clamp(_estimate * DecreaseFactor);
    }

    /// <summary>Grows the rate after time spent sending at the limit (requests were waiting for the key).</summary>
    /// <param name="seconds">Seconds at the limit since the last call.</param>
    public void OnTimeAtLimit(double seconds)
    {
        if (seconds <= 0)
        {
            return;
        }

        if (_slowStart)
        {
            Rate = Clamp(Rate * Math.Pow(2, seconds / SlowStartDoublingSeconds));
            return;
        }

        // Cubic, as in CUBIC and the AWS SDKs: fast while far below the estimate, flat around it, probing beyond it.
        _secondsAtLimit += seconds;
        double scale = _estimate * (1 - DecreaseFactor) / (RecoverySeconds * RecoverySeconds * RecoverySeconds);
        double t = _secondsAtLimit - RecoverySeconds;
        Rate = Clamp(_estimate + (scale * t * t * t));
    }

    private static double Clamp(double rate) => Math.Clamp(rate, MinRate, MaxRate);
}
