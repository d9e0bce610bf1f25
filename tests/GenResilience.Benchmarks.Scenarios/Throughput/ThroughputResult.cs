namespace GenResilience.Benchmarks.Throughput;

/// <summary>One client's run in one round.</summary>
/// <param name="Round">The round, from 1.</param>
/// <param name="Position">Its place in the round's order, from 1.</param>
/// <param name="Completed">Requests that ended with 200.</param>
/// <param name="Failed">Requests that ended otherwise.</param>
/// <param name="Elapsed">From the first send to the end of the last request.</param>
/// <param name="ProcessorTime">CPU time of the whole process (clients and endpoint) meanwhile.</param>
/// <param name="AllocatedBytes">Bytes the whole process allocated meanwhile.</param>
/// <param name="ConnectionsOpened">Connections the client opened to the endpoint meanwhile.</param>
/// <param name="LoadAverage">The machine's one-minute load average when the round began, if known.</param>
public sealed record ThroughputRound(int Round, int Position, long Completed, long Failed, TimeSpan Elapsed, TimeSpan ProcessorTime, long AllocatedBytes, long ConnectionsOpened, double? LoadAverage)
{
    /// <summary>Gets the requests per second.</summary>
    public double RequestsPerSecond => Completed / Elapsed.TotalSeconds;

    /// <summary>Gets the process's CPU time per request, in microseconds.</summary>
    public double ProcessorMicrosecondsPerRequest => Completed == 0 ? double.NaN : ProcessorTime.TotalMicroseconds / Completed;

    /// <summary>Gets the process's allocations per request.</summary>
    public double AllocatedPerRequest => Completed == 0 ? double.NaN : (double)AllocatedBytes / Completed;
}

/// <summary>Every round of one client at one concurrency.</summary>
/// <param name="Kind">The client.</param>
/// <param name="Concurrency">Requests kept in flight at once.</param>
/// <param name="Rounds">Its rounds, in order.</param>
public sealed record ThroughputSeries(ThroughputClientKind Kind, int Concurrency, IReadOnlyList<ThroughputRound> Rounds)
{
    /// <summary>Gets how the tables name the client.</summary>
    public string Name => ThroughputClient.NameOf(Kind);

    /// <summary>Gets the median requests per second over the rounds.</summary>
    public double MedianRequestsPerSecond => Median(Rounds.Select(r => r.RequestsPerSecond));

    /// <summary>Gets the median CPU time per request over the rounds, in microseconds.</summary>
    public double MedianProcessorMicroseconds => Median(Rounds.Select(r => r.ProcessorMicrosecondsPerRequest));

    /// <summary>Gets the median allocations per request over the rounds.</summary>
    public double MedianAllocatedPerRequest => Median(Rounds.Select(r => r.AllocatedPerRequest));

    /// <summary>Gets the connections opened during the measured rounds (those of the warm-up stay open).</summary>
    public long ConnectionsOpened => Rounds.Sum(r => r.ConnectionsOpened);

    /// <summary>Gets the requests that did not end with 200, over every round.</summary>
    public long Failed => Rounds.Sum(r => r.Failed);

    /// <summary>The median of some values (the mean of the middle two for an even count).</summary>
    /// <param name="values">The values.</param>
    /// <returns>The median, or NaN for none.</returns>
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>Every client at one concurrency, and how they compare.</summary>
/// <param name="Concurrency">Requests kept in flight at once.</param>
/// <param name="Series">One series per client, in <see cref="ThroughputClientKind"/> order.</param>
public sealed record ThroughputComparison(int Concurrency, IReadOnlyList<ThroughputSeries> Series)
{
    /// <summary>The target of issue 12: at least this share of the plain client's requests per second.</summary>
    public const double Target = 0.95;

    /// <summary>Gets one client's series.</summary>
    /// <param name="kind">The client.</param>
    /// <returns>Its series.</returns>
    public ThroughputSeries Of(ThroughputClientKind kind) => Series.Single(s => s.Kind == kind);

    /// <summary>
    /// Gets the median, over the rounds, of <paramref name="kind"/>'s requests per second over <paramref name="baseline"/>'s
    /// in the same round: each ratio compares two runs seconds apart, so a load that changes between rounds cancels out.
    /// </summary>
    /// <param name="kind">The client.</param>
    /// <param name="baseline">The client it is compared with.</param>
    /// <returns>The median ratio.</returns>
    public double MedianPairedRatio(ThroughputClientKind kind, ThroughputClientKind baseline)
    {
        IReadOnlyList<ThroughputRound> mine = Of(kind).Rounds;
        IReadOnlyList<ThroughputRound> theirs = Of(baseline).Rounds;
        return ThroughputSeries.Median(mine.Zip(theirs, (m, t) => m.RequestsPerSecond / t.RequestsPerSecond));
    }

    /// <summary>Gets the ratio of the two clients' median requests per second.</summary>
    /// <param name="kind">The client.</param>
    /// <param name="baseline">The client it is compared with.</param>
    /// <returns>The ratio of the medians.</returns>
    public double RatioOfMedians(ThroughputClientKind kind, ThroughputClientKind baseline)
        => Of(kind).MedianRequestsPerSecond / Of(baseline).MedianRequestsPerSecond;

    /// <summary>
    /// Gets <paramref name="baseline"/>'s CPU time per request over <paramref name="kind"/>'s (medians): the throughput
    /// ratio the CPU cost alone implies when the machine, not the network, is the limit.
    /// </summary>
    /// <param name="kind">The client.</param>
    /// <param name="baseline">The client it is compared with.</param>
    /// <returns>The ratio.</returns>
    public double ProcessorRatio(ThroughputClientKind kind, ThroughputClientKind baseline)
        => Of(baseline).MedianProcessorMicroseconds / Of(kind).MedianProcessorMicroseconds;

    /// <summary>Gets whether <see cref="ThroughputClientKind.GenResilience"/> kept <see cref="Target"/> of the plain client's throughput (median of the paired ratios).</summary>
    public bool TargetMet => MedianPairedRatio(ThroughputClientKind.GenResilience, ThroughputClientKind.Plain) >= Target && Of(ThroughputClientKind.GenResilience).Failed == 0;
}
