namespace GenResilience;

/// <summary>
/// Key state shared by the instances of an app that use the same API keys: which keys are quarantined or cooling down,
/// their 429s in a row, the rate they are paced at, and a shared rate budget. Register one in DI (for every
/// GenResilience client of the app) or keyed by an <see cref="HttpClient"/> name (for that client); the
/// <c>GenResilience.Redis</c> package provides one. Without one, key state stays in memory, per app instance.
/// </summary>
/// <remarks>
/// <para>
/// The key pool keeps its own state in memory and consults the store in addition: it asks <see cref="GetAsync"/> before
/// every attempt and reports what each attempt taught it through the other members. Keys are addressed by the client's
/// provider name and a key id (a truncated SHA-256 of the key, in hex): never by the key itself.
/// </para>
/// <para>
/// The store is an optimisation, never a single point of failure. <see cref="GetAsync"/> must be bounded in time and
/// return <see langword="null"/> when the shared state cannot be reached, so requests go on with the pool's own
/// state. The other members are called on the request path: they must return at once (writing in the background)
/// and never throw. Implementations must be thread-safe. A store that throws anyway is taken as one that cannot be
/// reached: the request goes on with the pool's own state, and a warning (event 20, <c>SharedKeyStateFailed</c>) is
/// logged once per member until that member works again.
/// </para>
/// </remarks>
public interface IGenerationKeyStateStore
{
    /// <summary>
    /// Reads a key's shared state before an attempt uses it and, when <see cref="GenerationKeyStateQuery.RequestsPerSecond"/>
    /// is set and the key is neither quarantined nor cooling down, reserves the attempt's place in the key's shared
    /// rate budget (see <see cref="GenerationKeyState.BudgetWait"/>); with
    /// <see cref="GenerationKeyStateQuery.KeyCheckFor"/>, claims the key's check for this instance.
    /// </summary>
    /// <param name="query">The key, the time, the rate budget and the check to claim.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The key's shared state, or <see langword="null"/> when it cannot be reached now.</returns>
    ValueTask<GenerationKeyState?> GetAsync(GenerationKeyStateQuery query, CancellationToken cancellationToken);

    /// <summary>Quarantines a key until <paramref name="until"/>; a quarantine only ever extends. Clears its check.</summary>
    /// <param name="provider">The provider (or client) name.</param>
    /// <param name="keyId">The key's id.</param>
    /// <param name="until">Until when the key must not be used.</param>
    void Quarantine(string provider, string keyId, DateTimeOffset until);

    /// <summary>
    /// Records a 429 in one atomic step: a 429 on an attempt that started before the key's last recorded 429 belongs to the
    /// same burst and does not count as another in a row; the cooldown is <see cref="GenerationRateLimitRecord.Cooldown"/>
    /// of the count, and only ever extends the current one.
    /// </summary>
    /// <param name="provider">The provider (or client) name.</param>
    /// <param name="keyId">The key's id.</param>
    /// <param name="rateLimit">The 429 and how long it cools the key down.</param>
    void RecordRateLimit(string provider, string keyId, GenerationRateLimitRecord rateLimit);

    /// <summary>Ends the key's run of 429s in a row, unless the attempt started before the key's last recorded 429.</summary>
    /// <param name="provider">The provider (or client) name.</param>
    /// <param name="keyId">The key's id.</param>
    /// <param name="attemptStartedAt">When the successful attempt started.</param>
    void RecordSuccess(string provider, string keyId, DateTimeOffset attemptStartedAt);

    /// <summary>Records that a key passed its check (or that its check was inconclusive): no other instance needs to check it.</summary>
    /// <param name="provider">The provider (or client) name.</param>
    /// <param name="keyId">The key's id.</param>
    void RecordKeyChecked(string provider, string keyId);

    /// <summary>Records the rate an instance learned for a key from its 429s, in requests per second.</summary>
    /// <param name="provider">The provider (or client) name.</param>
    /// <param name="keyId">The key's id.</param>
    /// <param name="requestsPerSecond">The learned rate.</param>
    void RecordLearnedRate(string provider, string keyId, double requestsPerSecond);

    /// <summary>Lifts the quarantines of these keys: the keys were reconfigured, or a rejection was about the request.</summary>
    /// <param name="provider">The provider (or client) name.</param>
    /// <param name="keyIds">The keys' ids.</param>
    void LiftQuarantines(string provider, IReadOnlyCollection<string> keyIds);
}
