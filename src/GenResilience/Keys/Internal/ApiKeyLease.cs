namespace GenResilience.Keys.Internal;

/// <summary>
/// The key chosen for one attempt, with what the <see cref="ApiKeyHandler"/> needs to stamp it and what the pool
/// needs to learn from the answer.
/// </summary>
internal sealed class ApiKeyLease
{
    public ApiKeyLease(KeySlot slot, int keySetVersion, AdmissionTicket ticket, DateTimeOffset acquiredAt, string headerName, string? scheme)
    {
        Slot = slot;
        KeySetVersion = keySetVersion;
        Ticket = ticket;
        AcquiredAt = acquiredAt;
        HeaderName = headerName;
        Scheme = scheme;
    }

    public KeySlot Slot { get; }

    public ApiKey Key => Slot.Key;

    /// <summary>Gets the version of the key set the key was taken from; news from an older set is stale after a reload.</summary>
    public int KeySetVersion { get; }

    /// <summary>Gets how the key's admission let this attempt go: its 429 epoch and whether it is the trial.</summary>
    public AdmissionTicket Ticket { get; }

    /// <summary>Gets when the attempt was admitted; a 429 on an attempt that started before the key's last 429 is the same burst.</summary>
    public DateTimeOffset AcquiredAt { get; }

    public string HeaderName { get; }

    public string? Scheme { get; }

    /// <summary>
    /// Gets or sets a value indicating whether the handler put the key on the wire. A response from another host
    /// (a CDN download through the same client) says nothing about the key.
    /// </summary>
    public bool KeySent { get; set; }

    /// <summary>Gets a value indicating whether the lease is a probe's: its answer teaches the pool nothing.</summary>
    public bool IsProbe { get; init; }

    public override string ToString() => Key.Fingerprint;
}
