namespace GenResilience;

/// <summary>
/// Settings of the Bytez client (<c>api.bytez.com</c>).
/// </summary>
public sealed class BytezClientOptions : GenerationProviderOptions
{
    /// <summary>The public Bytez address.</summary>
    public static readonly Uri DefaultBaseAddress = new("https://api.bytez.com");

    /// <summary>
    /// Initializes a new instance of the <see cref="BytezClientOptions"/> class: <c>https://api.bytez.com</c>,
    /// <c>Authorization: Key</c>, and keys rejected by 401, 403 (how Bytez answers a bad key) and 402 (that key's credits are spent).
    /// </summary>
    public BytezClientOptions()
    {
        BaseAddress = DefaultBaseAddress;
        ApiKeyScheme = "Key";
        KeyRejectedStatusCodes = [401, 403, 402];
    }
}
