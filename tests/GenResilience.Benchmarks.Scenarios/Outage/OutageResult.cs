namespace GenResilience.Benchmarks.Outage;

/// <summary>One request the simulator answered, in simulated time from the start of the outage.</summary>
/// <param name="At">When it arrived.</param>
/// <param name="Path">Its path.</param>
/// <param name="Status">The status it was answered with.</param>
/// <param name="Request">The logical request it belongs to (from its prompt), or <see langword="null"/> for a key check.</param>
public readonly record struct OutageServed(TimeSpan At, string Path, int Status, int? Request);

/// <summary>One logical request (a UseAPI create) of an outage run, in simulated time from the start of the outage.</summary>
/// <param name="Index">The request, from 0.</param>
/// <param name="Arrival">When the caller sent it.</param>
/// <param name="SucceededAt">When the caller had its job, if it did.</param>
/// <param name="FailedWith">The <see cref="GenerationException.Kind"/> it failed with, if it did.</param>
/// <param name="Attempts">When each of its attempts reached the server.</param>
public sealed record OutageRequest(int Index, TimeSpan Arrival, TimeSpan? SucceededAt, GenerationErrorKind? FailedWith, IReadOnlyList<TimeSpan> Attempts);

/// <summary>One run of the outage scenario: one arrival pattern.</summary>
/// <param name="Arrivals">The arrival pattern.</param>
/// <param name="Outage">How long the outage lasted: the service is back at this time.</param>
/// <param name="RetryDelays">The client's retry delays (its schedule).</param>
/// <param name="Requests">Every logical request.</param>
/// <param name="Served">Every request the simulator answered.</param>
/// <param name="ForcedAdvances">How many times the clock was moved without the run having settled (0 in a sound run).</param>
/// <param name="RealTime">How long the run took on the real clock.</param>
public sealed record OutageResult(
    OutageArrivals Arrivals, TimeSpan Outage, IReadOnlyList<TimeSpan> RetryDelays, IReadOnlyList<OutageRequest> Requests, IReadOnlyList<OutageServed> Served, int ForcedAdvances, TimeSpan RealTime)
{
    /// <summary>Gets the most attempts the schedule allows one request: one, and one per retry delay.</summary>
    public int MaxAttemptsPerRequest => 1 + RetryDelays.Count;

    /// <summary>Gets the requests the failing server received (creates and key checks).</summary>
    public int SentDuringOutage => Served.Count(s => s.At < Outage);

    /// <summary>Gets the key checks the failing server received.</summary>
    public int KeyChecksDuringOutage => Served.Count(s => s.At < Outage && s.Request is null);

    /// <summary>Gets, for each logical request, how many of its attempts reached the failing server.</summary>
    public IReadOnlyList<int> AttemptsDuringOutage => [.. Requests.Select(r => r.Attempts.Count(a => a < Outage))];

    /// <summary>Gets the requests sent after the service was back.</summary>
    public int SentAfterRecovery => Served.Count(s => s.At >= Outage);

    /// <summary>Gets the logical requests that succeeded.</summary>
    public int Succeeded => Requests.Count(r => r.SucceededAt is not null);

    /// <summary>Gets the logical requests that failed.</summary>
    public int Failed => Requests.Count(r => r.SucceededAt is null);

    /// <summary>Gets the logical requests the schedule itself cannot carry through the outage: their last attempt falls inside it.</summary>
    public int FailuresTheScheduleImplies => Requests.Count(r => ScheduledSuccess(r.Arrival) is null);

    /// <summary>Gets the time from the recovery to the last success, if any request succeeded.</summary>
    public TimeSpan? RecoveryToLastSuccess => Requests.Max(r => r.SucceededAt) is { } last ? last - Outage : null;

    /// <summary>Gets the time from the recovery to the last success that the schedule implies for these arrivals.</summary>
    public TimeSpan? RecoveryToLastSuccessTheScheduleImplies => Requests.Max(r => ScheduledSuccess(r.Arrival)) is { } last ? last - Outage : null;

    /// <summary>Gets the schedule's own bound on the time from the recovery to a request's success: its longest delay.</summary>
    public TimeSpan Bound => RetryDelays.Max();

    /// <summary>
    /// Gets the largest gap, over every request, between when one of its attempts reached the server and when the
    /// schedule puts it (arrival plus the delays so far): zero when the simulated clock drove every wait exactly.
    /// </summary>
    public TimeSpan LargestScheduleDeviation
    {
        get
        {
            TimeSpan largest = TimeSpan.Zero;
            foreach (OutageRequest request in Requests)
            {
                TimeSpan[] scheduled = [.. ScheduledAttempts(request.Arrival)];
                for (int i = 0; i < request.Attempts.Count; i++)
                {
                    TimeSpan deviation = i < scheduled.Length ? (request.Attempts[i] - scheduled[i]).Duration() : TimeSpan.MaxValue;
                    largest = deviation > largest ? deviation : largest;
                }
            }

            return largest;
        }
    }

    /// <summary>Gets whether the run met its bounds: no request above the schedule's attempts, no failure beyond what the schedule implies, the last success within the bound.</summary>
    public bool TargetMet
        => AttemptsDuringOutage.All(a => a <= MaxAttemptsPerRequest)
            && Failed <= FailuresTheScheduleImplies
            && (RecoveryToLastSuccess is not { } recovery || recovery <= Bound);

    /// <summary>When the schedule puts a request's attempts: its arrival, then after each delay.</summary>
    /// <param name="arrival">When it was sent.</param>
    /// <returns>The attempts' times.</returns>
    public IEnumerable<TimeSpan> ScheduledAttempts(TimeSpan arrival)
    {
        TimeSpan at = arrival;
        yield return at;
        foreach (TimeSpan delay in RetryDelays)
        {
            at += delay;
            yield return at;
        }
    }

    /// <summary>When the schedule has a request succeed: its first attempt at or after the recovery, if it has one.</summary>
    /// <param name="arrival">When it was sent.</param>
    /// <returns>The attempt's time, or <see langword="null"/> when every attempt falls inside the outage.</returns>
    public TimeSpan? ScheduledSuccess(TimeSpan arrival)
        => ScheduledAttempts(arrival).Where(a => a >= Outage).Select(a => (TimeSpan?)a).FirstOrDefault();
}
