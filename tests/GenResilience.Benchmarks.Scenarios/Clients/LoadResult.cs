namespace GenResilience.Benchmarks.Clients;

/// <summary>What the callers of a <see cref="CallerLoad"/> saw.</summary>
/// <param name="Makespan">From the first send to the end of the last request.</param>
/// <param name="Succeeded">Requests that ended with 200.</param>
/// <param name="Failed">Requests that ended with another status or threw.</param>
/// <param name="Failures">How the failed requests ended, with their counts.</param>
public sealed record LoadResult(TimeSpan Makespan, int Succeeded, int Failed, IReadOnlyDictionary<string, int> Failures);
