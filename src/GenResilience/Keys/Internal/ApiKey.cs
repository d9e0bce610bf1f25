namespace GenResilience.Keys.Internal;

/// <summary>
/// One key of a pool. <see cref="Value"/> is <see langword="null"/> for the single anonymous slot of a client
/// without keys, which still carries the client's 429 cooldown.
/// </summary>
internal sealed class ApiKey
{
    private ApiKey(string? value, string id, string fingerprint)
    {
        Value = value;
        Id = id;
        Fingerprint = fingerprint;
    }

    public static ApiKey Anonymous { get; } = new(null, "anonymous", "(no key)");

    public string? Value { get; }

    public string Id { get; }

    public string Fingerprint { get; }

    public static ApiKey Create(string value) => new(value, KeyFingerprint.IdFor(value), KeyFingerprint.For(value));

    /// <summary>Never the key itself, so an object dump cannot leak it.</summary>
    public override string ToString() => Fingerprint;
}
