using GenResilience.Diagnostics.Internal;
using GenResilience.Keys.Internal;
using GenResilience.Resilience;
using GenResilience.Resilience.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;

namespace GenResilience.DependencyInjection.Internal;

/// <summary>
/// Wires one client: infinite <see cref="HttpClient.Timeout"/>, a <see cref="SocketsHttpHandler"/> with the connect
/// timeout, the resilience pipeline and, innermost, the <see cref="ApiKeyHandler"/>.
/// </summary>
internal static class GenerationPipelineRegistration
{
    public static IHttpClientBuilder AddGenerationPipeline(this IHttpClientBuilder builder, GenerationClientDefinition definition)
    {
        IServiceCollection services = builder.Services;
        services.AddMetrics();
        services.TryAddSingleton<GenerationMetrics>();
        services.TryAddSingleton<GenerationClientRegistry>();

        // The pipeline owns every timeout; HttpClient's own 100 s would cut a 180 s video call.
        builder.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);

        // After every other configure action, so a BaseAddress set later in the chain is the one keys are bound to.
        services.AddOptions<HttpClientFactoryOptions>(builder.Name)
            .PostConfigure<GenerationClientRegistry>((factoryOptions, registry) =>
                factoryOptions.HttpClientActions.Add(client => registry.Get(definition).BaseAddress = client.BaseAddress));

        builder.UseSocketsHttpHandler((handler, provider) =>
        {
            GenerationResilienceOptions options = definition.GetOptions(provider);
            handler.ConnectTimeout = options.ConnectTimeout;
            handler.PooledConnectionLifetime = GenerationResilienceConstants.PooledConnectionLifetime;

            // .NET drops Authorization on a redirect, but not a custom header: never follow a key to another host.
            if (!string.Equals(options.ApiKeyHeaderName, "Authorization", StringComparison.OrdinalIgnoreCase) && options.ApiKeys.Count > 0)
            {
                handler.AllowAutoRedirect = false;
            }
        });

        builder.AddResilienceHandler(GenerationPipelineKeys.HandlerName, (pipeline, context) =>
        {
            definition.EnableReloads(context);
            GenerationClientContext client = context.ServiceProvider.GetRequiredService<GenerationClientRegistry>().Get(definition);
            GenerationPipeline.Configure(pipeline, client, definition.GetOptions(context.ServiceProvider));
        });

        builder.AddHttpMessageHandler(provider => new ApiKeyHandler(provider.GetRequiredService<GenerationClientRegistry>().Get(definition)));
        return builder;
    }

    public static void TryAddEnumerableSingleton<TService, TImplementation>(this IServiceCollection services)
        where TService : class
        where TImplementation : class, TService
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<TService, TImplementation>());
}
