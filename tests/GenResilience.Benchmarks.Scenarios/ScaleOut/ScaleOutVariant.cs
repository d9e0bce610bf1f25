namespace GenResilience.Benchmarks.ScaleOut;

/// <summary>One way the fleet of the scale-out scenario keeps its key state.</summary>
/// <param name="Name">How the tables name it.</param>
/// <param name="Redis">Whether the instances share key state through Redis (<c>UseRedisKeyState</c>); else each keeps its own in memory.</param>
/// <param name="KnownRate">Whether each instance is given the provider's rate per key (<c>RequestsPerSecondPerKey</c> = R); else the rate is learned.</param>
/// <param name="KeyCheck">For the revoked-key part: whether keys are checked with a cheap call first.</param>
public sealed record ScaleOutVariant(string Name, bool Redis, bool KnownRate, bool KeyCheck = false)
{
    /// <summary>Gets whether the variant is held to the targets of issue 13 (Redis and a known rate; Redis and a key check).</summary>
    public bool HasTarget => Redis && (KnownRate || KeyCheck);
}
