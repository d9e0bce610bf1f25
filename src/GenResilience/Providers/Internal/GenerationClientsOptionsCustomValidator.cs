using GenResilience.Resilience.Internal;
using Microsoft.Extensions.Options;

namespace GenResilience.Providers.Internal;

/// <summary>
/// Checks each configured provider: the pipeline rules, at least one key, and an absolute base address.
/// </summary>
internal sealed class GenerationClientsOptionsCustomValidator : IValidateOptions<GenerationClientsOptions>
{
    public ValidateOptionsResult Validate(string? name, GenerationClientsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (ProviderInfo provider in ProviderInfo.All)
        {
            if (provider.Select(options) is not { } settings)
            {
                continue;
            }

            string setting = GenerationClientsOptions.SectionName + ":" + provider.Name + ":";
            GenerationResilienceRules.Check(settings, provider.SettingFormat, failures);

            if (settings.ApiKeys is { Count: 0 })
            {
                failures.Add(provider.KeysFromEnvironment is null
                    ? $"{setting}ApiKeys is empty; set at least one key."
                    : $"{setting}ApiKeys is empty; set at least one key in it or in {provider.KeysFromEnvironment}.");
            }

            if (settings.BaseAddress is null)
            {
                failures.Add($"{setting}BaseAddress is required; set it to the address of your {provider.Name} API, for example https://api.example.com.");
            }
            else if (!settings.BaseAddress.IsAbsoluteUri || settings.BaseAddress.Scheme is not ("https" or "http"))
            {
                failures.Add($"{setting}BaseAddress ('{settings.BaseAddress}') must be an absolute http or https address.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
