namespace GenResilience;

/// <summary>What the key pool asks an <see cref="IGenerationKeyStateStore"/> before an attempt uses a key.</summary>
public readonly record struct GenerationKeyStateQuery
{
    /// <summary>Gets the provider (or client) name: the scope of the key's state.</summary>
    public required string Provider { get; init; }

    /// <summary>Gets the key's id: a truncated SHA-256 of the key, in hex, or <c>anonymous</c> for a client without keys.</summary>
    public required string KeyId { get; init; }

    /// <summary>Gets the time of the query, on the app's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>
    /// Gets the key's rate budget in requests per second, shared by every instance; <see langword="null"/> for none
    /// (nothing is reserved).
    /// </summary>
    public double? RequestsPerSecond { get; init; }

    /// <summary>Gets how many requests the budget lets go at once, at least 1.</summary>
    public double Burst { get; init; }

    /// <summary>Gets how long the attempt can wait for its place in the budget; <see langword="null"/> for no limit. Nothing is reserved beyond it.</summary>
    public TimeSpan? MaxWait { get; init; }

    /// <summary>
    /// Gets, when set, how long this instance may take to check the key: the store claims the check for this instance
    /// unless the key was checked already or another instance's claim still runs.
    /// </summary>
    public TimeSpan? KeyCheckFor { get; init; }
}
