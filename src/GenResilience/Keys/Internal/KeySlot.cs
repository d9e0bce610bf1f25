namespace GenResilience.Keys.Internal;

/// <summary>
/// One key of a pool with what this process knows about it beyond the shared state: its admission queue and
/// whether it passed the key check. A slot outlives a reload that keeps its key.
/// </summary>
internal sealed class KeySlot
{
    private volatile bool _verified;
    private volatile int _rejectedWith;
    private long _lastSuccessTicks;

    public KeySlot(ApiKey key, KeyAdmission admission)
    {
        Key = key;
        Admission = admission;
    }

    public ApiKey Key { get; }

    public KeyAdmission Admission { get; }

    /// <summary>Gets or sets a value indicating whether the key passed its check since it was added or last quarantined.</summary>
    public bool Verified
    {
        get => _verified;
        set => _verified = value;
    }

    /// <summary>Gets or sets when a request with this key last succeeded.</summary>
    public DateTimeOffset? LastSuccessAt
    {
        get => Interlocked.Read(ref _lastSuccessTicks) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
        set => Interlocked.Exchange(ref _lastSuccessTicks, value?.UtcTicks ?? 0);
    }

    /// <summary>Gets or sets the status that last quarantined the key (402: its credits are spent), or 0.</summary>
    public int RejectedWith
    {
        get => _rejectedWith;
        set => _rejectedWith = value;
    }

    /// <summary>Gets or sets the check of this key in flight, shared by every request that waits for it (guarded by the slot).</summary>
    public Task? Check { get; set; }

    public override string ToString() => Key.Fingerprint;
}

/// <summary>A rejection a request met: which key, which status, and whether it quarantined the key.</summary>
internal sealed record KeyRejection(KeySlot Slot, int StatusCode, bool Quarantined);
