using Microsoft.Extensions.DependencyInjection;

namespace GenResilience;

/// <summary>
/// The targets of a failover registered in DI, in the order calls try them (see
/// <c>services.AddVideoGenerationFailover(...)</c> and <c>services.AddImageGenerationFailover(...)</c>).
/// </summary>
/// <typeparam name="TGenerator"><see cref="IVideoGenerator"/> or <c>Microsoft.Extensions.AI.IImageGenerator</c>.</typeparam>
public sealed class GenerationFailoverBuilder<TGenerator>
    where TGenerator : class
{
    private readonly List<Func<IServiceProvider, (GenerationFailoverTarget<TGenerator> Target, bool Owned)>> _targets = [];

    internal GenerationFailoverBuilder()
    {
    }

    /// <summary>Adds a target made from the services when the failover is first resolved; the failover disposes it.</summary>
    /// <param name="name">The name in reports, logs and metrics, for example <c>flow veo-3.1-fast</c>; unique within the failover.</param>
    /// <param name="factory">Makes the generator, for example <c>sp =&gt; sp.GetRequiredService&lt;IUseApiClient&gt;().AsVideoGenerator("veo-3.1-fast")</c>.</param>
    /// <param name="cost">What a call costs on this target, in one unit of your choice across targets; used by <see cref="GenerationFailoverOptions.PreferCheapest"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or <paramref name="cost"/> is negative.</exception>
    public GenerationFailoverBuilder<TGenerator> Add(string name, Func<IServiceProvider, TGenerator> factory, decimal? cost = null)
    {
        Check(name, cost);
        ArgumentNullException.ThrowIfNull(factory);
        _targets.Add(sp => (new GenerationFailoverTarget<TGenerator>(name, factory(sp) ?? throw new InvalidOperationException($"The factory of failover target '{name}' returned null."), cost), true));
        return this;
    }

    /// <summary>Adds a target already made; it stays the caller's to dispose.</summary>
    /// <param name="name">The name in reports, logs and metrics; unique within the failover.</param>
    /// <param name="generator">The generator.</param>
    /// <param name="cost">What a call costs on this target, in one unit of your choice across targets.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or <paramref name="cost"/> is negative.</exception>
    public GenerationFailoverBuilder<TGenerator> Add(string name, TGenerator generator, decimal? cost = null)
    {
        Check(name, cost);
        ArgumentNullException.ThrowIfNull(generator);
        _targets.Add(_ => (new GenerationFailoverTarget<TGenerator>(name, generator, cost), false));
        return this;
    }

    /// <summary>
    /// Adds a target registered in DI under a key, for example by <c>AddUseApiVideoGenerator("veo-3.1-fast")</c> (key:
    /// the model) or <c>AddBytezImageGenerator(modelId)</c> with its middleware; DI disposes it.
    /// </summary>
    /// <param name="name">The name in reports, logs and metrics; unique within the failover.</param>
    /// <param name="serviceKey">The key the generator is registered under.</param>
    /// <param name="cost">What a call costs on this target, in one unit of your choice across targets.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or <paramref name="cost"/> is negative.</exception>
    public GenerationFailoverBuilder<TGenerator> AddKeyed(string name, object serviceKey, decimal? cost = null)
    {
        Check(name, cost);
        ArgumentNullException.ThrowIfNull(serviceKey);
        _targets.Add(sp => (new GenerationFailoverTarget<TGenerator>(name, sp.GetRequiredKeyedService<TGenerator>(serviceKey), cost), false));
        return this;
    }

    internal IEnumerable<(GenerationFailoverTarget<TGenerator> Target, bool Owned)> Build(IServiceProvider services)
        => [.. _targets.Select(make => make(services))];

    private static void Check(string name, decimal? cost)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (cost < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cost), cost, $"The cost of failover target '{name}' is negative; give zero or more, or null when it is unknown.");
        }
    }
}
