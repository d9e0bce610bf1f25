using GenResilience;
using GenResilience.DependencyInjection.Internal;
using GenResilience.HealthChecks.Internal;
using GenResilience.Providers.Internal;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Health checks of the provider clients that <c>AddGenerationClients</c> registers.
/// </summary>
public static class GenerationClientsHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds one health check per configured provider client (<c>genresilience-useapi</c>, <c>genresilience-bytez</c>,
    /// <c>genresilience-velro</c>). A check reads what the client's requests already taught it and sends nothing:
    /// Healthy; Degraded when some API keys are quarantined, cooling down after a 429 or on trial after a cooldown, or
    /// a UseAPI model family is failing (for VEO, the emergency mode); Unhealthy when no key is usable or every UseAPI
    /// model family is failing. The description gives the reason and the data each key's state by fingerprint, never a key.
    /// </summary>
    /// <remarks>
    /// Which providers are configured is read when the health check service starts; a provider configured later (by a
    /// configuration reload) gets no check until the app restarts. Needs <c>services.AddGenerationClients()</c>.
    /// </remarks>
    /// <param name="builder">The health checks builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IHealthChecksBuilder AddGenerationClientsHealthChecks(this IHealthChecksBuilder builder)
        => AddGenerationClientsHealthChecks(builder, failureStatus: null, tags: null);

    /// <summary>
    /// Adds one health check per configured provider client, reporting <paramref name="failureStatus"/> instead of
    /// Unhealthy and tagged with <paramref name="tags"/> (to map them on a readiness endpoint only, say).
    /// See <see cref="AddGenerationClientsHealthChecks(IHealthChecksBuilder)"/>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="failureStatus">What a check reports when nothing can be served; <see langword="null"/> for <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags of every check, for filtering; <see langword="null"/> for none.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IHealthChecksBuilder AddGenerationClientsHealthChecks(this IHealthChecksBuilder builder, HealthStatus? failureStatus, IEnumerable<string>? tags)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Two calls would register each name twice, which the health check service refuses.
        if (builder.Services.Any(d => d.ServiceType == typeof(GenerationHealthChecksMarker)))
        {
            return builder;
        }

        builder.Services.AddSingleton<GenerationHealthChecksMarker>();
        string[] tagList = tags is null ? [] : [.. tags];
        builder.Services.AddOptions<HealthCheckServiceOptions>().Configure<IServiceProvider>((options, services) =>
        {
            if (services.GetService<GenerationPipelineNames>() is not { } names || !names.TryGet(GenerationHttpClientNames.UseApi, out _))
            {
                throw new InvalidOperationException("AddGenerationClientsHealthChecks() checks the clients of AddGenerationClients(): call services.AddGenerationClients() too.");
            }

            GenerationClientsOptions clients = services.GetRequiredService<IOptionsMonitor<GenerationClientsOptions>>().CurrentValue;
            foreach (ProviderInfo provider in ProviderInfo.All)
            {
                if (provider.Select(clients) is not null)
                {
                    options.Registrations.Add(new HealthCheckRegistration(
                        GenerationClientHealthCheck.NameFor(provider),
                        sp => new GenerationClientHealthCheck(sp, provider),
                        failureStatus,
                        tagList));
                }
            }
        });
        return builder;
    }

    private sealed class GenerationHealthChecksMarker;
}
