using Microsoft.Extensions.Options;

namespace GenResilience;

/// <summary>
/// The providers that <c>AddGenerationClients</c> sets up; a provider whose options are <see langword="null"/> is not configured.
/// Bound from the <c>GenerationClients</c> configuration section.
/// </summary>
public sealed class GenerationClientsOptions
{
    /// <summary>The configuration section that <c>AddGenerationClients()</c> binds.</summary>
    public const string SectionName = "GenerationClients";

    /// <summary>Gets or sets the UseAPI settings (also set by the <c>USEAPI_API_TOKEN</c> environment variable).</summary>
    [ValidateObjectMembers]
    public UseApiClientOptions? UseApi { get; set; }

    /// <summary>Gets or sets the Bytez settings (also set by the <c>BYTEZ_API_KEY_1</c>, <c>BYTEZ_API_KEY_2</c>, ... environment variables).</summary>
    [ValidateObjectMembers]
    public BytezClientOptions? Bytez { get; set; }

    /// <summary>Gets or sets the Velro settings.</summary>
    [ValidateObjectMembers]
    public VelroClientOptions? Velro { get; set; }
}
