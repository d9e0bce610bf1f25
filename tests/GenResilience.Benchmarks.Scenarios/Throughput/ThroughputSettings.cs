namespace GenResilience.Benchmarks.Throughput;

/// <summary>The load of the throughput scenario.</summary>
/// <param name="Concurrencies">The numbers of requests kept in flight at once, each measured in its own series of rounds.</param>
/// <param name="Rounds">Rounds per concurrency; every round runs each client once, in a rotated order.</param>
/// <param name="RoundDuration">How long each client sends in a round.</param>
/// <param name="WarmUp">How long each client sends, unmeasured, before the rounds of a concurrency (JIT, connections).</param>
public sealed record ThroughputSettings(IReadOnlyList<int> Concurrencies, int Rounds, TimeSpan RoundDuration, TimeSpan WarmUp)
{
    /// <summary>
    /// Gets the scenario of issue 12: 32 and 128 concurrent requests, 15 rounds of 1 s per client. Short rounds keep
    /// the three runs of a round within 3 s of each other, so the load of a shared machine changes little between them.
    /// </summary>
    public static ThroughputSettings Full { get; } = new([32, 128], 15, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

    /// <summary>Gets three short rounds, for a quick look.</summary>
    public static ThroughputSettings Quick { get; } = Full with { Rounds = 3, WarmUp = TimeSpan.FromSeconds(1) };
}
