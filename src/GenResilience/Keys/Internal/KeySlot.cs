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
    private long _quarantinedUntilTicks;
    private HeaderCache? _headerValue;

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

    /// <summary>
    /// Gets or sets until when the key is quarantined: the pool's copy of what it recorded in its state store, read on
    /// every acquisition without a lock.
    /// </summary>
    public DateTimeOffset QuarantinedUntil
    {
        get => new(Interlocked.Read(ref _quarantinedUntilTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _quarantinedUntilTicks, value.UtcTicks);
    }

    /// <summary>Whether the key is quarantined at <paramref name="now"/>: the same as <c>now &lt; QuarantinedUntil</c>, compared in ticks.</summary>
    public bool IsQuarantinedAt(DateTimeOffset now) => Interlocked.Read(ref _quarantinedUntilTicks) > now.UtcTicks;

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

    /// <summary>The header value for this key and scheme (<c>Bearer &lt;key&gt;</c>), built once.</summary>
    public string HeaderValue(string? scheme)
    {
        HeaderCache? cached = Volatile.Read(ref _headerValue);
        if (cached is not null && string.Equals(cached.Scheme, scheme, StringComparison.Ordinal))
        {
            return cached.Value;
        }

        string value = string.IsNullOrEmpty(scheme) ? Key.Value! : scheme + " " + Key.Value;
        Volatile.Write(ref _headerValue, new HeaderCache(scheme, value));
        return value;
    }

    public override string ToString() => Key.Fingerprint;

    private sealed record HeaderCache(string? Scheme, string Value);
}

/// <summary>A rejection a request met: which key, which status, and whether it quarantined the key.</summary>
internal sealed record KeyRejection(KeySlot Slot, int StatusCode, bool Quarantined);
