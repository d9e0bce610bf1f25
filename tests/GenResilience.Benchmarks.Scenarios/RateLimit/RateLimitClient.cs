using GenResilience.Benchmarks.Clients;

namespace GenResilience.Benchmarks.RateLimit;

/// <summary>One client of the rate-limit scenario: a name, its keys, the target it is held to, and how to build it.</summary>
/// <param name="Name">How the tables name it.</param>
/// <param name="Keys">The keys it spreads the load over.</param>
/// <param name="Target">The target of issue 5 it is held to.</param>
/// <param name="Create">Builds a fresh client for the provider at the given address.</param>
public sealed record RateLimitClient(string Name, IReadOnlyList<string> Keys, RateLimitTarget Target, Func<Uri, BenchmarkClient> Create);

/// <summary>The target of issue 5 that a client of the rate-limit scenario is held to.</summary>
public enum RateLimitTarget
{
    /// <summary>A client beside ours for comparison, with no target.</summary>
    None,

    /// <summary>Adaptive, at default settings: at most 1.5 × the ideal makespan, at most 10 % 429s, no failure.</summary>
    Adaptive,

    /// <summary>A known rate: at most 1.05 × the ideal makespan and no 429 at all (and no failure).</summary>
    KnownRate,
}
