namespace GenResilience.Providers.UseApi.Internal;

/// <summary>
/// The health of each UseAPI model family, from the outcomes of its creates after retries: degraded from a failure
/// (an outage or a timeout) until the next success; for VEO under the emergency fallback, recovering while its
/// circuit lets a trial call through.
/// </summary>
internal sealed class UseApiFamilyMonitor
{
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly Dictionary<UseApiModelFamily, UseApiFamilyHealth> _families;

    public UseApiFamilyMonitor(TimeProvider time)
    {
        _time = time;
        DateTimeOffset now = time.GetUtcNow();
        _families = Enum.GetValues<UseApiModelFamily>().ToDictionary(f => f, f => new UseApiFamilyHealth(f, UseApiFamilyState.Healthy, now, null));
    }

    public UseApiHealth Snapshot()
    {
        lock (_gate)
        {
            return new UseApiHealth([.. _families.Values.OrderBy(f => f.Family)]);
        }
    }

    /// <summary>A call of the family failed after its retries; <see langword="true"/> when the family was healthy until now.</summary>
    public bool Failed(UseApiModelFamily family, string error)
        => Update(family, h => Move(h, UseApiFamilyState.Degraded) with { LastError = error }, UseApiFamilyState.Degraded);

    /// <summary>A call of the family succeeded; <see langword="true"/> when the family was not healthy until now.</summary>
    public bool Succeeded(UseApiModelFamily family) => Update(family, h => Move(h, UseApiFamilyState.Healthy), UseApiFamilyState.Healthy);

    /// <summary>The family's circuit opened: it is out of use until a trial.</summary>
    public void Opened(UseApiModelFamily family, string error) => Update(family, h => Move(h, UseApiFamilyState.Degraded) with { LastError = error }, UseApiFamilyState.Degraded);

    /// <summary>The family's circuit lets a trial call through.</summary>
    public void Probing(UseApiModelFamily family) => Update(family, h => Move(h, UseApiFamilyState.Recovering), UseApiFamilyState.Recovering);

    private UseApiFamilyHealth Move(UseApiFamilyHealth health, UseApiFamilyState state)
        => health.State == state ? health : health with { State = state, Since = _time.GetUtcNow() };

    private bool Update(UseApiModelFamily family, Func<UseApiFamilyHealth, UseApiFamilyHealth> change, UseApiFamilyState to)
    {
        lock (_gate)
        {
            UseApiFamilyHealth before = _families[family];
            _families[family] = change(before);
            return before.State != to && (to != UseApiFamilyState.Degraded || before.State == UseApiFamilyState.Healthy);
        }
    }
}
