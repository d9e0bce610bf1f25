namespace GenResilience;

/// <summary>
/// Settings of the Velro client. Velro is self-hosted, so <see cref="GenerationProviderOptions.BaseAddress"/> has no default.
/// </summary>
public sealed class VelroClientOptions : GenerationProviderOptions
{
}
