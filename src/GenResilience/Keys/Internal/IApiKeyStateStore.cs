namespace GenResilience.Keys.Internal;

/// <summary>
/// Holds the state of the keys of one pool. In memory (<see cref="InMemoryApiKeyStateStore"/>), or in memory and in an
/// app's <see cref="IGenerationKeyStateStore"/> shared by a fleet of app instances (<see cref="SharedKeyStateStore"/>). Keys are addressed by <see cref="KeyFingerprint.IdFor"/>, never by their value.
/// </summary>
internal interface IApiKeyStateStore
{
    ApiKeyState Get(string keyId);

    void Quarantine(string keyId, DateTimeOffset until);

    /// <summary>
    /// Records a 429 and returns the new state. A 429 on an attempt that started before the key's last 429
    /// belongs to the same burst: it may extend the cooldown but does not count as another 429 in a row.
    /// </summary>
    ApiKeyState RecordRateLimit(string keyId, GenerationRateLimitRecord rateLimit);

    /// <summary>
    /// Records a success: the key's 429 streak ends, unless the attempt started before the key's last 429
    /// (a late answer from before the burst says nothing about now).
    /// </summary>
    void RecordSuccess(string keyId, DateTimeOffset attemptStartedAt);

    /// <summary>Lifts the quarantine of one key (placed in error: the rejection turned out to be about the request).</summary>
    void LiftQuarantine(string keyId);

    /// <summary>Lifts every quarantine, for example when the keys were reconfigured.</summary>
    void LiftQuarantines();
}
