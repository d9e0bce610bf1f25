namespace GenResilience;

/// <summary>
/// A provider's health as one table, one row per endpoint: what <c>ProbeAsync()</c> of every provider client returns,
/// what the Diagnostics sample prints and what the health checks read. Probes are not retried: a probe reports what
/// the service says now.
/// </summary>
public sealed class ProviderProbeResult
{
    /// <summary>Initializes a new instance of the <see cref="ProviderProbeResult"/> class.</summary>
    /// <param name="provider">The provider: <c>UseApi</c>, <c>Bytez</c> or <c>Velro</c>.</param>
    /// <param name="checkedAt">When the probe ran.</param>
    /// <param name="rows">One row per endpoint, in the order they were probed.</param>
    public ProviderProbeResult(string provider, DateTimeOffset checkedAt, IReadOnlyList<ProviderProbeRow> rows)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(rows);
        Provider = provider;
        CheckedAt = checkedAt;
        Rows = rows;
    }

    /// <summary>Gets the provider.</summary>
    public string Provider { get; }

    /// <summary>Gets when the probe ran.</summary>
    public DateTimeOffset CheckedAt { get; }

    /// <summary>Gets one row per endpoint.</summary>
    public IReadOnlyList<ProviderProbeRow> Rows { get; }

    /// <summary>Gets a value indicating whether every endpoint is <see cref="ProbeVerdict.Ok"/>.</summary>
    public bool IsHealthy => Rows.All(r => r.Verdict == ProbeVerdict.Ok);

    /// <summary>Gets the worst verdict: <see cref="ProbeVerdict.Outage"/> over <see cref="ProbeVerdict.AuthProblem"/> over <see cref="ProbeVerdict.Misconfigured"/> over <see cref="ProbeVerdict.Ok"/>.</summary>
    public ProbeVerdict Verdict => Rows.Count == 0 ? ProbeVerdict.Ok : Rows.Select(r => r.Verdict).MaxBy(Severity);

    /// <inheritdoc/>
    public override string ToString() => $"{Provider}: {Verdict}" + string.Concat(Rows.Select(r => Environment.NewLine + "  " + r));

    private static int Severity(ProbeVerdict verdict) => verdict switch
    {
        ProbeVerdict.Outage => 3,
        ProbeVerdict.AuthProblem => 2,
        ProbeVerdict.Misconfigured => 1,
        _ => 0,
    };
}
