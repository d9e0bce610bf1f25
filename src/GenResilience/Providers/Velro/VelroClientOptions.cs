namespace GenResilience;

/// <summary>
/// Settings of the Velro client. Velro is self-hosted, so <see cref="GenerationProviderOptions.BaseAddress"/> has no default.
/// </summary>
public sealed class VelroClientOptions : GenerationProviderOptions
{
    /// <summary>
    /// Initializes a new instance of the <see cref="VelroClientOptions"/> class: <c>Authorization: Bearer</c>; the base
    /// address must be set.
    /// </summary>
    public VelroClientOptions()
    {
        ApiKeyScheme = "Bearer";
    }
}
