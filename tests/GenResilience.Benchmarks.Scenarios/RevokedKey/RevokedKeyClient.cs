using GenResilience.Benchmarks.Clients;

namespace GenResilience.Benchmarks.RevokedKey;

/// <summary>One client of the revoked-key scenario.</summary>
/// <param name="Name">How the tables name it.</param>
/// <param name="Kind">Which of the compared clients it is.</param>
/// <param name="Create">Builds a fresh client for the provider at the given address.</param>
public sealed record RevokedKeyClient(string Name, RevokedKeyClientKind Kind, Func<Uri, BenchmarkClient> Create)
{
    /// <summary>Gets a value indicating whether it verifies keys with the account call first; held to the target of exactly one request with the revoked key.</summary>
    public bool HasKeyCheck => Kind == RevokedKeyClientKind.GenResilienceWithKeyCheck;
}

/// <summary>The clients the revoked-key scenario compares.</summary>
public enum RevokedKeyClientKind
{
    /// <summary>Ours without a key check: the pool quarantines a key at its first 401.</summary>
    GenResilience,

    /// <summary>Ours with <see cref="GenerationResilienceOptions.KeyCheck"/>.</summary>
    GenResilienceWithKeyCheck,

    /// <summary>The hand-written loop, <c>keys[attempt % n]</c>, retrying a 401 at once with the next key.</summary>
    HandWrittenLoop,
}
