namespace GenResilience.Benchmarks.RevokedKey;

/// <summary>The load of the revoked-key scenario.</summary>
/// <param name="Requests">Requests in all, per client and caller count.</param>
/// <param name="CallerCounts">The caller counts to run each client with.</param>
/// <param name="ClientTimeLimit">A bound on one run on the real clock.</param>
public sealed record RevokedKeySettings(int Requests, IReadOnlyList<int> CallerCounts, TimeSpan ClientTimeLimit)
{
    /// <summary>Gets the scenario of issue 5: 1,000 requests, with one caller and with 32.</summary>
    public static RevokedKeySettings Full { get; } = new(1_000, [1, 32], TimeSpan.FromMinutes(2));

    /// <summary>Gets a fifth of the load, for a quick look.</summary>
    public static RevokedKeySettings Quick { get; } = Full with { Requests = 200 };
}
