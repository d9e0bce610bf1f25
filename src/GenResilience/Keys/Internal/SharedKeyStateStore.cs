using GenResilience.Diagnostics.Internal;
using Microsoft.Extensions.Logging;

namespace GenResilience.Keys.Internal;

/// <summary>
/// The state store of a pool whose app shares key state with its other instances: the pool's own state in memory,
/// and every change written through to the app's <see cref="IGenerationKeyStateStore"/>. The shared state is read
/// before each attempt (<see cref="ApiKeyPool.AcquireSharedAsync"/>) and merged in here, so a shared store that cannot
/// be reached leaves the pool working on what it knows. A store that throws, against its contract, is taken as one that
/// cannot be reached: the request goes on, and a warning is logged once per member until that member works again.
/// </summary>
internal sealed class SharedKeyStateStore : IApiKeyStateStore
{
    private const int GetMember = 0, QuarantineMember = 1, RateLimitMember = 2, SuccessMember = 3, CheckedMember = 4, LearnedRateMember = 5, LiftMember = 6;

    private static readonly string[] MemberNames =
    [
        nameof(IGenerationKeyStateStore.GetAsync),
        nameof(IGenerationKeyStateStore.Quarantine),
        nameof(IGenerationKeyStateStore.RecordRateLimit),
        nameof(IGenerationKeyStateStore.RecordSuccess),
        nameof(IGenerationKeyStateStore.RecordKeyChecked),
        nameof(IGenerationKeyStateStore.RecordLearnedRate),
        nameof(IGenerationKeyStateStore.LiftQuarantines),
    ];

    private readonly IGenerationKeyStateStore _shared;
    private readonly ILogger _logger;

    // Per member, whether its last call threw: a failure is logged once until that member works again (reads that fail
    // while writes queued in the background never throw must not log on every request).
    private readonly int[] _failing = new int[MemberNames.Length];

    public SharedKeyStateStore(IGenerationKeyStateStore shared, string provider, ILogger logger)
    {
        _shared = shared;
        Provider = provider;
        _logger = logger;
    }

    /// <summary>Gets the provider (or client) name the shared state is kept under.</summary>
    public string Provider { get; }

    public InMemoryApiKeyStateStore Local { get; } = new();

    public ApiKeyState Get(string keyId) => Local.Get(keyId);

    /// <summary>
    /// The key's shared state (<see cref="IGenerationKeyStateStore.GetAsync"/>), or <see langword="null"/> when the store
    /// cannot be reached or throws. Only the caller's own cancellation ends the read with an exception, always an
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public async ValueTask<GenerationKeyState?> ReadAsync(GenerationKeyStateQuery query, CancellationToken cancellationToken)
    {
        try
        {
            GenerationKeyState? state = await _shared.GetAsync(query, cancellationToken).ConfigureAwait(false);
            Worked(GetMember);
            return state;
        }
        catch (Exception e)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Failed(GetMember, e);
            return null;
        }
    }

    public void Quarantine(string keyId, DateTimeOffset until)
    {
        Local.Quarantine(keyId, until);
        Tell(QuarantineMember, (keyId, until), static (store, provider, a) => store.Quarantine(provider, a.keyId, a.until));
    }

    public ApiKeyState RecordRateLimit(string keyId, GenerationRateLimitRecord rateLimit)
    {
        ApiKeyState state = Local.RecordRateLimit(keyId, rateLimit);
        Tell(RateLimitMember, (keyId, rateLimit), static (store, provider, a) => store.RecordRateLimit(provider, a.keyId, a.rateLimit));
        return state;
    }

    public void RecordSuccess(string keyId, DateTimeOffset attemptStartedAt)
    {
        Local.RecordSuccess(keyId, attemptStartedAt);
        Tell(SuccessMember, (keyId, attemptStartedAt), static (store, provider, a) => store.RecordSuccess(provider, a.keyId, a.attemptStartedAt));
    }

    public void LiftQuarantine(string keyId)
    {
        Local.LiftQuarantine(keyId);
        Tell(LiftMember, (IReadOnlyCollection<string>)[keyId], static (store, provider, keyIds) => store.LiftQuarantines(provider, keyIds));
    }

    public void LiftQuarantines()
    {
        IReadOnlyCollection<string> keyIds = Local.KeyIds;
        Local.LiftQuarantines();
        if (keyIds.Count > 0)
        {
            Tell(LiftMember, keyIds, static (store, provider, ids) => store.LiftQuarantines(provider, ids));
        }
    }

    /// <summary>Shares that a key passed its check (or that its check was inconclusive).</summary>
    public void RecordKeyChecked(string keyId)
        => Tell(CheckedMember, keyId, static (store, provider, id) => store.RecordKeyChecked(provider, id));

    /// <summary>Shares the rate a key learned from its 429s, when it learns one (a configured rate is no news).</summary>
    public void RecordLearnedRate(KeySlot slot)
    {
        if (slot.Admission.ConfiguredRate is null && slot.Admission.Rate is { } rate)
        {
            Tell(LearnedRateMember, (slot.Key.Id, rate), static (store, provider, a) => store.RecordLearnedRate(provider, a.Id, a.rate));
        }
    }

    /// <summary>Calls one of the shared store's write members: what it throws is logged (once until it works again), never passed on.</summary>
    private void Tell<TArgs>(int member, TArgs args, Action<IGenerationKeyStateStore, string, TArgs> write)
    {
        try
        {
            write(_shared, Provider, args);
            Worked(member);
        }
        catch (Exception e)
        {
            Failed(member, e);
        }
    }

    private void Worked(int member)
    {
        if (Volatile.Read(ref _failing[member]) != 0)
        {
            Volatile.Write(ref _failing[member], 0);
        }
    }

    private void Failed(int member, Exception exception)
    {
        if (Interlocked.Exchange(ref _failing[member], 1) == 0)
        {
            Log.SharedKeyStateFailed(_logger, Provider, _shared.GetType().Name, MemberNames[member], exception);
        }
    }
}
