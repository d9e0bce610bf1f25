using Microsoft.Extensions.Options;

namespace GenResilience.Providers.Internal;

/// <summary>
/// The three providers, each with its client name, settings path and where its keys can come from.
/// </summary>
internal sealed record ProviderInfo(
    string Name,
    string ClientName,
    string? KeysFromEnvironment,
    Func<GenerationClientsOptions, GenerationProviderOptions?> Select)
{
    public static IReadOnlyList<ProviderInfo> All { get; } =
    [
        new("UseApi", GenerationHttpClientNames.UseApi, "the USEAPI_API_TOKEN environment variable", o => o.UseApi),
        new("Bytez", GenerationHttpClientNames.Bytez, "the BYTEZ_API_KEY_1, BYTEZ_API_KEY_2, ... environment variables", o => o.Bytez),
        new("Velro", GenerationHttpClientNames.Velro, null, o => o.Velro),
    ];

    public string SettingFormat => GenerationClientsOptions.SectionName + ":" + Name + ":{0}";

    public string KeysSetting => KeysFromEnvironment is null
        ? $"{GenerationClientsOptions.SectionName}:{Name}:ApiKeys"
        : $"{GenerationClientsOptions.SectionName}:{Name}:ApiKeys (or {KeysFromEnvironment})";

    public GenerationProviderOptions GetOptions(IServiceProvider services)
    {
        GenerationClientsOptions all = ((IOptionsMonitor<GenerationClientsOptions>)services.GetService(typeof(IOptionsMonitor<GenerationClientsOptions>))!).CurrentValue;
        return Select(all) ?? throw new InvalidOperationException(
            $"The {Name} client is not configured. Add a '{GenerationClientsOptions.SectionName}:{Name}' configuration section, " +
            (KeysFromEnvironment is null ? string.Empty : $"set {KeysFromEnvironment}, ") +
            $"or set options.{Name} in AddGenerationClients(options => ...).");
    }
}
