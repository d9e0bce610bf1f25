namespace GenResilience;

/// <summary>
/// The settings of one provider's client: where the API lives, plus every setting of the pipeline.
/// </summary>
public abstract class GenerationProviderOptions : GenerationResilienceOptions
{
    /// <summary>
    /// Gets or sets the API's base address. API keys are sent only to this host.
    /// </summary>
    /// <value>The provider's public address, where it has one.</value>
    public Uri? BaseAddress { get; set; }
}
