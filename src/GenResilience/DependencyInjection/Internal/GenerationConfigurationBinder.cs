using Microsoft.Extensions.Configuration;

namespace GenResilience.DependencyInjection.Internal;

/// <summary>
/// Binds options so that a list given in configuration replaces its default instead of being appended to it
/// (the configuration binder appends to a list that already has items).
/// </summary>
internal static class GenerationConfigurationBinder
{
    public static void Bind(IConfiguration section, GenerationResilienceOptions options)
    {
        ClearIfConfigured(section, nameof(GenerationResilienceOptions.RetryStatusCodes), options.RetryStatusCodes);
        ClearIfConfigured(section, nameof(GenerationResilienceOptions.RetryDelays), options.RetryDelays);
        ClearIfConfigured(section, nameof(GenerationResilienceOptions.KeyRejectedStatusCodes), options.KeyRejectedStatusCodes);
        ClearIfConfigured(section, nameof(GenerationResilienceOptions.ApiKeys), options.ApiKeys);
        section.Bind(options);
    }

    public static void Bind(IConfiguration section, GenerationClientsOptions options)
    {
        Bind(section, nameof(GenerationClientsOptions.UseApi), () => options.UseApi ??= new UseApiClientOptions());
        Bind(section, nameof(GenerationClientsOptions.Bytez), () => options.Bytez ??= new BytezClientOptions());
        Bind(section, nameof(GenerationClientsOptions.Velro), () => options.Velro ??= new VelroClientOptions());
    }

    private static void Bind(IConfiguration parent, string name, Func<GenerationProviderOptions> getOrCreate)
    {
        IConfigurationSection section = parent.GetSection(name);
        if (section.Exists())
        {
            Bind(section, getOrCreate());
        }
    }

    private static void ClearIfConfigured<T>(IConfiguration section, string name, ICollection<T>? list)
    {
        if (list is { IsReadOnly: false } && section.GetSection(name).Exists())
        {
            list.Clear();
        }
    }
}
