namespace GenResilience;

/// <summary>The state of one UseAPI model family, for dashboards and health checks.</summary>
public enum UseApiFamilyState
{
    /// <summary>Calls succeed (or nothing has failed yet).</summary>
    Healthy = 0,

    /// <summary>Calls were failing: the family is out of use until a trial call succeeds (VEO requests run on the fallback).</summary>
    Degraded,

    /// <summary>The break is over: the next call is the trial that decides.</summary>
    Recovering,
}

/// <summary>How one model family is doing.</summary>
/// <param name="Family">The family.</param>
/// <param name="State">Its state.</param>
/// <param name="Since">Since when it has been in <paramref name="State"/> (for a family that never failed, when the client started).</param>
/// <param name="LastError">The last failure that counted against it, if any; never a key.</param>
public sealed record UseApiFamilyHealth(UseApiModelFamily Family, UseApiFamilyState State, DateTimeOffset Since, string? LastError);

/// <summary>The health of the UseAPI client: one entry per model family.</summary>
/// <param name="Families">LTX, VEO and Flow, in that order.</param>
public sealed record UseApiHealth(IReadOnlyList<UseApiFamilyHealth> Families)
{
    /// <summary>Gets a value indicating whether every family is healthy.</summary>
    public bool IsHealthy => Families.All(f => f.State == UseApiFamilyState.Healthy);

    /// <summary>Gets one family's health.</summary>
    /// <param name="family">The family.</param>
    /// <returns>Its health.</returns>
    public UseApiFamilyHealth this[UseApiModelFamily family] => Families.First(f => f.Family == family);
}
