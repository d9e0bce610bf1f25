using GenResilience.Resilience.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.DependencyInjection.Internal;

/// <summary>
/// The clients that already have a GenResilience pipeline, kept in the service collection so that a second
/// pipeline on one client (which would multiply every retry) fails at registration.
/// </summary>
internal sealed class GenerationPipelineNames
{
    private readonly Dictionary<string, GenerationClientDefinition> _clients = new(StringComparer.Ordinal);

    public bool TryGet(string clientName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GenerationClientDefinition? definition)
        => _clients.TryGetValue(clientName, out definition);

    public static void Claim(IServiceCollection services, string clientName, GenerationClientDefinition definition)
    {
        GenerationPipelineNames? names = services
            .LastOrDefault(d => d.ServiceType == typeof(GenerationPipelineNames))?.ImplementationInstance as GenerationPipelineNames;
        if (names is null)
        {
            names = new GenerationPipelineNames();
            services.AddSingleton(names);
        }

        if (names._clients.TryGetValue(clientName, out GenerationClientDefinition? first))
        {
            string how = first.OwnsClient
                ? $"'{clientName}' is the {first.Provider} client of AddGenerationClients(), which already has the pipeline. Change its settings " +
                  $"under {Providers.Internal.ProviderInfo.SectionFor(first.Provider)} (or options.{first.Provider} in AddGenerationClients(options => ...)); " +
                  $"to change its handlers, call services.AddHttpClient({nameof(GenerationHttpClientNames)}.{first.Provider}) and configure the primary handler or the HttpClient there."
                : $"AddGenerationResilience() was already called for '{clientName}'. Configure that one call instead (its options or configuration section).";
            throw new InvalidOperationException(
                $"The HttpClient '{clientName}' cannot have a second GenResilience pipeline: each would retry what the other retries, so one failing POST " +
                $"would be sent up to 16 times. {how}");
        }

        names._clients.Add(clientName, definition);
    }
}
