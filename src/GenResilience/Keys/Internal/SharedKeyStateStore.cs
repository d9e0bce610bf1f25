using GenResilience.Diagnostics.Internal;
using Microsoft.Extensions.Logging;

namespace GenResilience.Keys.Internal;

/// <summary>
/// The state store of a pool whose app shares key state with its other instances: the pool's own state in memory,
/// and every change written through to the app's <see cref="IGenerationKeyStateStore"/>. The shared state is read
/// before each attempt (<see cref="ApiKeyPool.AcquireSharedAsync"/>) and merged in here, so a shared store that cannot
/// be reached leaves the pool working on what it knows. A store that throws, against its contract, is taken as one that
/// cannot be reached: the request goes on, and a warning is logged once until the store works again.
/// </summary>
internal sealed class SharedKeyStateStore : IApiKeyStateStore
{
    private readonly IGenerationKeyStateStore _shared;
    private readonly ILogger _logger;
    private int _failing;

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
    /// cannot be reached or throws. Only the caller's own cancellation ends the read with an exception.
    /// </summary>
    public async ValueTask<GenerationKeyState?> ReadAsync(GenerationKeyStateQuery query, CancellationToken cancellationToken)
    {
        try
        {
            GenerationKeyState? state = await _shared.GetAsync(query, cancellationToken).ConfigureAwait(false);
            Worked();
            return state;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(nameof(IGenerationKeyStateStore.GetAsync), e);
            return null;
        }
    }

    public void Quarantine(string keyId, DateTimeOffset until)
    {
        Local.Quarantine(keyId, until);
        try
        {
            _shared.Quarantine(Provider, keyId, until);
            Worked();
        }
        catch (Exception e)
        {
            Failed(nameof(IGenerationKeyStateStore.Quarantine), e);
        }
    }

    public ApiKeyState RecordRateLimit(string keyId, GenerationRateLimitRecord rateLimit)
    {
        ApiKeyState state = Local.RecordRateLimit(keyId, rateLimit);
        try
        {
            _shared.RecordRateLimit(Provider, keyId, rateLimit);
            Worked();
        }
        catch (Exception e)
        {
            Failed(nameof(IGenerationKeyStateStore.RecordRateLimit), e);
        }

        return state;
    }

    public void RecordSuccess(string keyId, DateTimeOffset attemptStartedAt)
    {
        Local.RecordSuccess(keyId, attemptStartedAt);
        try
        {
            _shared.RecordSuccess(Provider, keyId, attemptStartedAt);
            Worked();
        }
        catch (Exception e)
        {
            Failed(nameof(IGenerationKeyStateStore.RecordSuccess), e);
        }
    }

    public void LiftQuarantine(string keyId) => LiftShared([keyId], () => Local.LiftQuarantine(keyId));

    public void LiftQuarantines()
    {
        IReadOnlyCollection<string> keyIds = Local.KeyIds;
        LiftShared(keyIds, Local.LiftQuarantines);
    }

    /// <summary>Shares that a key passed its check (or that its check was inconclusive).</summary>
    public void RecordKeyChecked(string keyId)
    {
        try
        {
            _shared.RecordKeyChecked(Provider, keyId);
            Worked();
        }
        catch (Exception e)
        {
            Failed(nameof(IGenerationKeyStateStore.RecordKeyChecked), e);
        }
    }

    /// <summary>Shares the rate a key learned from its 429s, when it learns one (a configured rate is no news).</summary>
    public void RecordLearnedRate(KeySlot slot)
    {
        if (slot.Admission.ConfiguredRate is null && slot.Admission.Rate is { } rate)
        {
            try
            {
                _shared.RecordLearnedRate(Provider, slot.Key.Id, rate);
                Worked();
            }
            catch (Exception e)
            {
                Failed(nameof(IGenerationKeyStateStore.RecordLearnedRate), e);
            }
        }
    }

    private void LiftShared(IReadOnlyCollection<string> keyIds, Action liftLocal)
    {
        liftLocal();
        if (keyIds.Count == 0)
        {
            return;
        }

        try
        {
            _shared.LiftQuarantines(Provider, keyIds);
            Worked();
        }
        catch (Exception e)
        {
            Failed(nameof(IGenerationKeyStateStore.LiftQuarantines), e);
        }
    }

    private void Worked()
    {
        if (Volatile.Read(ref _failing) != 0)
        {
            Volatile.Write(ref _failing, 0);
        }
    }

    private void Failed(string member, Exception exception)
    {
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            Log.SharedKeyStateFailed(_logger, Provider, _shared.GetType().Name, member, exception);
        }
    }
}
