using Microsoft.Extensions.Configuration;

namespace GenResilience.DependencyInjection.Internal;

/// <summary>
/// Binds options so that a list given in configuration replaces its default instead of being appended to it
/// (the configuration binder appends to a list that already has items).
/// </summary>
/// <remarks>
/// The <c>Bind</c> calls are intercepted by the configuration binding source generator
/// (<c>EnableConfigurationBindingGenerator</c>), so binding is trim- and AOT-safe. The generator binds the properties of
/// the static type at the call site, not of the runtime type, so each options class is bound through a call typed with
/// that class; and it does not use type converters, so <see cref="UseApiClientOptions.FallbackModel"/> is read here.
/// </remarks>
internal static class GenerationConfigurationBinder
{
    public static void Bind(IConfiguration section, GenerationResilienceOptions options)
    {
        ClearListsIfConfigured(section, options);
        section.Bind(options);
    }

    public static void Bind(IConfiguration section, GenerationClientsOptions options)
    {
        if (Existing(section, nameof(GenerationClientsOptions.UseApi)) is { } useApiSection)
        {
            UseApiClientOptions useApi = options.UseApi ??= new UseApiClientOptions();
            UseApiModel fallbackModel = useApi.FallbackModel;
            ClearListsIfConfigured(useApiSection, useApi);
            useApiSection.Bind(useApi);

            // Any spelling UseApiModel.TryParse accepts, as the model's type converter (which the generator does not use) reads it.
            IConfigurationSection fallbackSection = useApiSection.GetSection(nameof(UseApiClientOptions.FallbackModel));
            useApi.FallbackModel = fallbackSection.Value is not { Length: > 0 } name ? fallbackModel
                : UseApiModel.TryParse(name, out UseApiModel? model) ? model
                : throw new InvalidOperationException($"{fallbackSection.Path} ('{name}') is not a UseAPI model. Accepted: {UseApiModel.AcceptedNames}.");
        }

        if (Existing(section, nameof(GenerationClientsOptions.Bytez)) is { } bytezSection)
        {
            BytezClientOptions bytez = options.Bytez ??= new BytezClientOptions();
            ClearListsIfConfigured(bytezSection, bytez);
            bytezSection.Bind(bytez);
        }

        if (Existing(section, nameof(GenerationClientsOptions.Velro)) is { } velroSection)
        {
            VelroClientOptions velro = options.Velro ??= new VelroClientOptions();
            ClearListsIfConfigured(velroSection, velro);
            velroSection.Bind(velro);
        }
    }

    private static IConfigurationSection? Existing(IConfiguration parent, string name)
        => parent.GetSection(name) is { } section && section.Exists() ? section : null;

    private static void ClearListsIfConfigured(IConfiguration section, GenerationResilienceOptions options)
    {
        ClearIfConfigured(section, nameof(GenerationResilienceOptions.RetryStatusCodes), options.RetryStatusCodes);
        ClearIfConfigured(section, nameof(GenerationResilienceOptions.RetryDelays), options.RetryDelays);
        ClearIfConfigured(section, nameof(GenerationResilienceOptions.KeyRejectedStatusCodes), options.KeyRejectedStatusCodes);
        ClearIfConfigured(section, nameof(GenerationResilienceOptions.ApiKeys), options.ApiKeys);
    }

    private static void ClearIfConfigured<T>(IConfiguration section, string name, ICollection<T>? list)
    {
        if (list is { IsReadOnly: false } && section.GetSection(name).Exists())
        {
            list.Clear();
        }
    }
}
