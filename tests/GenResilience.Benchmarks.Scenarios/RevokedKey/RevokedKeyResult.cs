using GenResilience.Benchmarks.Clients;
using GenResilience.Benchmarks.Server;

namespace GenResilience.Benchmarks.RevokedKey;

/// <summary>One run of the revoked-key scenario.</summary>
/// <param name="Client">The client that ran.</param>
/// <param name="Callers">How many callers sent at once.</param>
/// <param name="Load">What the callers saw.</param>
/// <param name="Served">Every request the provider answered.</param>
/// <param name="Attempts">Every attempt the client sent, as its innermost handler saw it.</param>
public sealed record RevokedKeyResult(RevokedKeyClient Client, int Callers, LoadResult Load, IReadOnlyList<ServedRequest> Served, IReadOnlyList<Attempt> Attempts)
{
    /// <summary>Gets how many requests the provider answered in all.</summary>
    public int ServerRequests => Served.Count;

    /// <summary>Gets the requests beyond one per success: what the client's key handling cost.</summary>
    public int Extra => ServerRequests - Load.Succeeded;

    /// <summary>Gets the requests sent with the revoked key, key checks included: what the revoked key cost.</summary>
    public int WithRevokedKey => Served.Count(r => r.Key == RevokedKeyScenario.RevokedKey);

    /// <summary>Gets the key checks (calls to the account path), of either key.</summary>
    public int KeyChecks => Served.Count(r => r.Path == LoopbackProvider.AccountPath);

    /// <summary>Gets whether the client met its target (exactly one request with the revoked key); <see langword="null"/> when it has none.</summary>
    public bool? TargetMet => Client.HasKeyCheck ? WithRevokedKey == 1 && Load.Failed == 0 : null;
}
