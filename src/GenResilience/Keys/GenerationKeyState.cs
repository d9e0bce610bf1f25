namespace GenResilience;

/// <summary>What an <see cref="IGenerationKeyStateStore"/> knows about one key, shared by every instance.</summary>
public readonly record struct GenerationKeyState
{
    /// <summary>Gets until when the key is quarantined (rejected by the provider); in the past when it is not.</summary>
    public DateTimeOffset QuarantinedUntil { get; init; }

    /// <summary>Gets until when the key cools down after a 429; in the past when it does not.</summary>
    public DateTimeOffset CoolingUntil { get; init; }

    /// <summary>Gets the key's 429s in a row, reset by a success.</summary>
    public int ConsecutiveRateLimits { get; init; }

    /// <summary>Gets when the key's last 429 was recorded.</summary>
    public DateTimeOffset LastRateLimitAt { get; init; }

    /// <summary>Gets a value indicating whether an instance checked the key since it was last quarantined.</summary>
    public bool KeyChecked { get; init; }

    /// <summary>Gets a value indicating whether the query claimed the key's check: this instance runs it now.</summary>
    public bool KeyCheckClaimed { get; init; }

    /// <summary>
    /// Gets how long the attempt waits for its place in the shared rate budget: <see langword="null"/> when no budget
    /// was asked for or the key is quarantined or cooling down; at most <see cref="GenerationKeyStateQuery.MaxWait"/> when
    /// the place is reserved; beyond it when nothing was reserved because the attempt could not wait that long.
    /// </summary>
    public TimeSpan? BudgetWait { get; init; }
}
