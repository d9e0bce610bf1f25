using GenResilience.Resilience.Internal;

namespace GenResilience.Providers.Internal;

/// <summary>
/// Checks one configured provider: the annotations and rules of the pipeline, at least one key, and an absolute base
/// address. Every message starts with the configuration path of the setting (<c>GenerationClients:Bytez:ApiKeys</c>).
/// </summary>
internal static class ProviderOptionsRules
{
    public static IReadOnlyList<string> Check(ProviderInfo provider, GenerationProviderOptions settings)
    {
        var failures = new List<string>();
        string section = ProviderInfo.SectionFor(provider.Name);
        settings.ValidateAnnotations(section, failures);
        GenerationResilienceRules.Check(settings, provider.SettingFormat, failures);

        if (settings.ApiKeys is { Count: 0 })
        {
            failures.Add(provider.KeysFromEnvironment is null
                ? $"{section}:ApiKeys is empty; set at least one key."
                : $"{section}:ApiKeys is empty; set at least one key in it or in {provider.KeysFromEnvironment}.");
        }

        if (settings.BaseAddress is null)
        {
            failures.Add($"{section}:BaseAddress is required; set it to the address of your {provider.Name} API, for example https://api.example.com.");
        }
        else if (!settings.BaseAddress.IsAbsoluteUri || settings.BaseAddress.Scheme is not ("https" or "http"))
        {
            failures.Add($"{section}:BaseAddress ('{settings.BaseAddress}') must be an absolute http or https address.");
        }

        settings.ValidateProviderSettings(section, failures);
        return failures;
    }
}
