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

    /// <summary>
    /// Adds what is wrong with the provider's own settings (models, accounts, paths) to <paramref name="failures"/>;
    /// each message starts with the setting's configuration path.
    /// </summary>
    /// <param name="section">The provider's configuration section, for example <c>GenerationClients:UseApi</c>.</param>
    /// <param name="failures">Where to add the messages.</param>
    internal virtual void ValidateProviderSettings(string section, ICollection<string> failures)
    {
    }

    /// <summary>Adds the data-annotation failures of these options; a provider with annotations of its own overrides this with its validator.</summary>
    /// <param name="section">The provider's configuration section.</param>
    /// <param name="failures">Where to add the messages.</param>
    internal virtual void ValidateAnnotations(string section, ICollection<string> failures)
        => Resilience.Internal.GenerationResilienceRules.CheckAnnotations(this, section, failures);
}
