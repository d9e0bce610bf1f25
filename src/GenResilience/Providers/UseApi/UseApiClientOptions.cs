namespace GenResilience;

/// <summary>
/// Settings of the UseAPI client (LTX Studio and Google Flow through <c>api.useapi.net</c>).
/// </summary>
public sealed class UseApiClientOptions : GenerationProviderOptions
{
    /// <summary>The public UseAPI address.</summary>
    public static readonly Uri DefaultBaseAddress = new("https://api.useapi.net");

    /// <summary>
    /// Initializes a new instance of the <see cref="UseApiClientOptions"/> class: <c>https://api.useapi.net</c>,
    /// <c>Authorization: Bearer</c>, and Cloudflare's 524 retried along with 522 and 523.
    /// </summary>
    public UseApiClientOptions()
    {
        BaseAddress = DefaultBaseAddress;
        ApiKeyScheme = "Bearer";
        RetryStatusCodes = [500, 502, 503, 504, 522, 523, 524];
    }
}
