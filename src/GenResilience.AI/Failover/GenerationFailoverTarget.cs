namespace GenResilience;

/// <summary>One place a failover can send a call: a generator (a provider and model), its name and, optionally, its cost.</summary>
/// <typeparam name="TGenerator"><see cref="IVideoGenerator"/> or <c>Microsoft.Extensions.AI.IImageGenerator</c>.</typeparam>
public sealed class GenerationFailoverTarget<TGenerator>
    where TGenerator : class
{
    /// <summary>Initializes a new instance of the <see cref="GenerationFailoverTarget{TGenerator}"/> class.</summary>
    /// <param name="name">The name in reports, logs and metrics, for example <c>flow veo-3.1-fast</c>; unique within a failover.</param>
    /// <param name="generator">The generator that serves the call.</param>
    /// <param name="cost">
    /// What a call costs on this target, in one unit of your choice across targets (credits, cents); used when
    /// <see cref="GenerationFailoverOptions.PreferCheapest"/> is on. <see langword="null"/> when unknown.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or <paramref name="cost"/> is negative.</exception>
    public GenerationFailoverTarget(string name, TGenerator generator, decimal? cost = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(generator);
        if (cost < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cost), cost, $"The cost of failover target '{name}' is negative; give zero or more, or null when it is unknown.");
        }

        Name = name;
        Generator = generator;
        Cost = cost;
    }

    /// <summary>Gets the name in reports, logs and metrics.</summary>
    public string Name { get; }

    /// <summary>Gets the generator that serves the call.</summary>
    public TGenerator Generator { get; }

    /// <summary>Gets what a call costs on this target, or <see langword="null"/> when unknown.</summary>
    public decimal? Cost { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
