using Polly;
using Polly.CircuitBreaker;

namespace GenResilience.AI.Failover.Internal;

/// <summary>
/// A target as a failover keeps it: the user's target, its circuit (a Polly circuit breaker shared by every call
/// through the failover), and what the circuit last opened on, to say why the target is out of use.
/// </summary>
/// <typeparam name="TGenerator">The generator type.</typeparam>
internal sealed class FailoverTarget<TGenerator>
    where TGenerator : class
{
    private readonly object _gate = new();
    private readonly CircuitBreakerStateProvider _state = new();
    private GenerationErrorKind? _openedOn;
    private DateTimeOffset _trialAt;

    public FailoverTarget(GenerationFailoverTarget<TGenerator> target, bool ownsGenerator)
    {
        Target = target;
        OwnsGenerator = ownsGenerator;
    }

    public GenerationFailoverTarget<TGenerator> Target { get; }

    public string Name => Target.Name;

    public TGenerator Generator => Target.Generator;

    /// <summary>Gets a value indicating whether the failover made the generator (from a builder factory) and disposes it.</summary>
    public bool OwnsGenerator { get; }

    public ResiliencePipeline Circuit { get; private set; } = ResiliencePipeline.Empty;

    /// <summary>Gets the state provider to hand to the circuit breaker's options.</summary>
    public CircuitBreakerStateProvider StateProvider => _state;

    public void Attach(ResiliencePipeline circuit) => Circuit = circuit;

    public void Opened(GenerationErrorKind? kind, DateTimeOffset trialAt)
    {
        lock (_gate)
        {
            _openedOn = kind;
            _trialAt = trialAt;
        }
    }

    /// <summary>A trial call went out: should it fail, the next one is a break away.</summary>
    public void TrialStarted(DateTimeOffset nextTrialAt)
    {
        lock (_gate)
        {
            _trialAt = nextTrialAt;
        }
    }

    /// <summary>Gets the kind of failure the circuit last opened on.</summary>
    public GenerationErrorKind? OpenedOn
    {
        get
        {
            lock (_gate)
            {
                return _openedOn;
            }
        }
    }

    /// <summary>How long until the target takes a call again, when it is out of use now; <see langword="null"/> when it takes calls.</summary>
    public TimeSpan? OutOfUseFor(DateTimeOffset now)
    {
        if (_state.CircuitState == CircuitState.Closed)
        {
            return null;
        }

        lock (_gate)
        {
            TimeSpan left = _trialAt - now;
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Why a call passed the target by: its circuit is open, or a trial call is in flight.</summary>
    public string DescribeOutOfUse(DateTimeOffset now)
    {
        GenerationErrorKind? kind = OpenedOn;
        string after = kind is { } k ? "after failing with " + k : "after failures";
        if (_state.CircuitState == CircuitState.HalfOpen)
        {
            return $"out of use {after}; a trial call is in flight";
        }

        TimeSpan? left = OutOfUseFor(now);
        return left is { } wait && wait > TimeSpan.Zero
            ? $"out of use {after}; the next trial call in {Diagnostics.Internal.Durations.Format(wait)}"
            : $"out of use {after}";
    }
}
