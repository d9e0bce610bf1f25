using Microsoft.Extensions.Http.Resilience;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// What registration knows about one resilient client: its name, the provider name its errors carry, where its
/// options come from and which settings a message should point the user to.
/// </summary>
/// <param name="ClientName">The <see cref="IHttpClientFactory"/> name.</param>
/// <param name="Provider">The provider name in logs, metrics and <see cref="GenerationException.Provider"/>.</param>
/// <param name="BindOptions">Given the app's services, returns a getter of the options as configured now, unvalidated; the getter is called per attempt, so it must be cheap (an options monitor resolved once).</param>
/// <param name="Validate">Returns what is wrong with the options as configured now, each message naming the setting; empty when they are valid.</param>
/// <param name="SettingFormat">How a user names one setting, with {0} for the property: <c>GenerationResilienceOptions.{0}</c> or <c>GenerationClients:Bytez:{0}</c>.</param>
/// <param name="KeysSetting">The setting that holds the keys, for messages about rejected keys.</param>
/// <param name="EnableReloads">Rebuilds the pipeline when the options change.</param>
/// <param name="OwnsClient">The client is one of <c>AddGenerationClients</c>' provider clients, wholly GenResilience's.</param>
internal sealed record GenerationClientDefinition(
    string ClientName,
    string Provider,
    Func<IServiceProvider, Func<GenerationResilienceOptions>> BindOptions,
    Func<IServiceProvider, IReadOnlyList<string>> Validate,
    string SettingFormat,
    string KeysSetting,
    Action<ResilienceHandlerContext> EnableReloads,
    bool OwnsClient = false);
