namespace GenResilience.Keys.Internal;

/// <summary>
/// The key chosen for one attempt, with what the <see cref="ApiKeyHandler"/> needs to stamp it.
/// </summary>
internal sealed class ApiKeyLease
{
    public ApiKeyLease(ApiKey key, DateTimeOffset acquiredAt, string headerName, string? scheme)
    {
        Key = key;
        AcquiredAt = acquiredAt;
        HeaderName = headerName;
        Scheme = scheme;
    }

    public ApiKey Key { get; }

    /// <summary>When the attempt started; a 429 on an attempt that started before the key's last 429 is the same burst.</summary>
    public DateTimeOffset AcquiredAt { get; }

    public string HeaderName { get; }

    public string? Scheme { get; }

    /// <summary>
    /// Gets or sets a value indicating whether the handler put the key on the wire. A response from another host
    /// (a CDN download through the same client) says nothing about the key.
    /// </summary>
    public bool KeySent { get; set; }

    public override string ToString() => Key.Fingerprint;
}
