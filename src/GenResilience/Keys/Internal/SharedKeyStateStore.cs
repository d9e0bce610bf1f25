namespace GenResilience.Keys.Internal;

/// <summary>
/// The state store of a pool whose app shares key state with its other instances: the pool's own state in memory,
/// and every change written through to the app's <see cref="IGenerationKeyStateStore"/>. The shared state is read
/// before each attempt (<see cref="ApiKeyPool.AcquireSharedAsync"/>) and merged in here, so a shared store that cannot
/// be reached leaves the pool working on what it knows.
/// </summary>
internal sealed class SharedKeyStateStore : IApiKeyStateStore
{
    public SharedKeyStateStore(IGenerationKeyStateStore shared, string provider)
    {
        Shared = shared;
        Provider = provider;
    }

    public IGenerationKeyStateStore Shared { get; }

    /// <summary>Gets the provider (or client) name the shared state is kept under.</summary>
    public string Provider { get; }

    public InMemoryApiKeyStateStore Local { get; } = new();

    public ApiKeyState Get(string keyId) => Local.Get(keyId);

    public void Quarantine(string keyId, DateTimeOffset until)
    {
        Local.Quarantine(keyId, until);
        Shared.Quarantine(Provider, keyId, until);
    }

    public ApiKeyState RecordRateLimit(string keyId, GenerationRateLimitRecord rateLimit)
    {
        ApiKeyState state = Local.RecordRateLimit(keyId, rateLimit);
        Shared.RecordRateLimit(Provider, keyId, rateLimit);
        return state;
    }

    public void RecordSuccess(string keyId, DateTimeOffset attemptStartedAt)
    {
        Local.RecordSuccess(keyId, attemptStartedAt);
        Shared.RecordSuccess(Provider, keyId, attemptStartedAt);
    }

    public void LiftQuarantine(string keyId)
    {
        Local.LiftQuarantine(keyId);
        Shared.LiftQuarantines(Provider, [keyId]);
    }

    public void LiftQuarantines()
    {
        IReadOnlyCollection<string> keyIds = Local.KeyIds;
        Local.LiftQuarantines();
        if (keyIds.Count > 0)
        {
            Shared.LiftQuarantines(Provider, keyIds);
        }
    }

    /// <summary>Shares the rate a key learned from its 429s, when it learns one (a configured rate is no news).</summary>
    public void RecordLearnedRate(KeySlot slot)
    {
        if (slot.Admission.ConfiguredRate is null && slot.Admission.Rate is { } rate)
        {
            Shared.RecordLearnedRate(Provider, slot.Key.Id, rate);
        }
    }
}
