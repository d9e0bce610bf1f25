using System.Diagnostics.Metrics;
using GenResilience.Diagnostics.Internal;

namespace GenResilience.AI.Failover.Internal;

/// <summary>
/// The failover's instrument on the <c>GenResilience</c> meter (the core's own): <c>genresilience.failover.switches</c>,
/// one per move of a call from one target to the next, tagged by medium, from, to and reason.
/// </summary>
internal sealed class GenerationFailoverMetrics : IDisposable
{
    public const string SwitchesInstrument = "genresilience.failover.switches";
    public const string MediumTag = "genresilience.failover.medium";
    public const string FromTag = "genresilience.failover.from";
    public const string ToTag = "genresilience.failover.to";
    public const string ReasonTag = GenerationMetrics.ReasonTag;

    private readonly Meter? _ownMeter;
    private readonly Counter<long> _switches;

    /// <summary>Initializes a new instance of the <see cref="GenerationFailoverMetrics"/> class on the app's meter factory (from DI).</summary>
    public GenerationFailoverMetrics(IMeterFactory meterFactory)
        : this(meterFactory.Create(GenerationMetrics.MeterName), own: false)
    {
    }

    private GenerationFailoverMetrics(Meter meter, bool own)
    {
        _ownMeter = own ? meter : null;
        _switches = meter.CreateCounter<long>(SwitchesInstrument, "{switch}", "Calls moved from one failover target to the next, by reason: the error kind of the failure, or circuit_open.");
    }

    /// <summary>For a failover made without DI: a meter of its own, with the same name.</summary>
    public static GenerationFailoverMetrics Create(IMeterFactory? meterFactory)
        => meterFactory is null ? new GenerationFailoverMetrics(new Meter(GenerationMetrics.MeterName), own: true) : new GenerationFailoverMetrics(meterFactory);

    public void Switch(string medium, string from, string to, string reason)
        => _switches.Add(1, new(MediumTag, medium), new(FromTag, from), new(ToTag, to), new(ReasonTag, reason));

    public void Dispose() => _ownMeter?.Dispose();
}
