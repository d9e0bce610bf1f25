using System.Diagnostics.CodeAnalysis;
using GenResilience.Diagnostics.Internal;
using GenResilience.Keys.Internal;
using GenResilience.Resilience;
using GenResilience.Resilience.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly.Telemetry;

namespace GenResilience.DependencyInjection.Internal;

/// <summary>
/// Wires one client: infinite <see cref="HttpClient.Timeout"/>, a <see cref="SocketsHttpHandler"/> unless the app
/// configures its own primary handler (which then gets the connect timeout and redirect guard), the resilience
/// pipeline and, innermost, the <see cref="ApiKeyHandler"/>.
/// </summary>
internal static class GenerationPipelineRegistration
{
    /// <summary>The factory's default handler lifetime (<c>HttpClientFactoryOptions.DefaultHandlerLifetime</c> is internal).</summary>
    private static readonly TimeSpan DefaultHandlerLifetime = TimeSpan.FromMinutes(2);

    public static IHttpClientBuilder AddGenerationPipeline(this IHttpClientBuilder builder, GenerationClientDefinition definition)
    {
        IServiceCollection services = builder.Services;
        GenerationPipelineNames.Claim(services, builder.Name, definition);

        services.AddMetrics();
        services.TryAddSingleton<GenerationMetrics>();
        services.TryAddSingleton<GenerationClientRegistry>();
        services.TryAddEnumerableSingleton<IConfigureOptions<TelemetryOptions>, GenerationTelemetrySeverity>();

        // The pipeline owns every timeout; HttpClient's own 100 s would cut a 180 s video call.
        builder.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);

        services.AddOptions<HttpClientFactoryOptions>(builder.Name)
            .PostConfigure<GenerationClientRegistry>((factoryOptions, registry) =>
            {
                // After every other configure action, so a BaseAddress set later in the chain is the one keys are bound to.
                factoryOptions.HttpClientActions.Add(client => registry.Get(definition).BaseAddress = client.BaseAddress);

                // First of all handler actions, so that any ConfigurePrimaryHttpMessageHandler replaces this default,
                // whatever the order of registration; last of all, configure whichever primary handler it ends up with.
                factoryOptions.HttpMessageHandlerBuilderActions.Insert(0, static b => b.PrimaryHandler = new SocketsHttpHandler());
                factoryOptions.HttpMessageHandlerBuilderActions.Add(b => Complete(b, registry.Get(definition), definition, factoryOptions));

                // Keys never reach a log line, even on .NET 8 (whose factory redacts nothing by default) or when the
                // app redacts only some headers: the user's own redaction is kept and extended.
                Func<string, bool> userRedaction = factoryOptions.ShouldRedactHeaderValue;
                factoryOptions.ShouldRedactHeaderValue = header => IsKeyHeader(header, registry.Get(definition)) || userRedaction(header);
            });

        builder.AddResilienceHandler(GenerationPipelineKeys.HandlerName, (pipeline, context) =>
        {
            definition.EnableReloads(context);
            GenerationClientContext client = context.ServiceProvider.GetRequiredService<GenerationClientRegistry>().Get(definition);
            GenerationPipeline.Configure(pipeline, client, client.Options);
        });

        builder.AddHttpMessageHandler(provider => new ApiKeyHandler(provider.GetRequiredService<GenerationClientRegistry>().Get(definition)));

        // Reported when the app starts, not at the first request: invalid options, another resilience handler.
        services.AddOptions<GenerationStartupCheck>(builder.Name).ValidateOnStart();
        services.TryAddEnumerableSingleton<IValidateOptions<GenerationStartupCheck>, GenerationStartupValidator>();
        return builder;
    }

    private static int IndexOfKeyHandler(IList<DelegatingHandler> handlers)
    {
        for (int i = 0; i < handlers.Count; i++)
        {
            if (handlers[i] is ApiKeyHandler)
            {
                return i;
            }
        }

        return -1;
    }

    public static void TryAddEnumerableSingleton<TService, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>(this IServiceCollection services)
        where TService : class
        where TImplementation : class, TService
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<TService, TImplementation>());

    private static bool IsKeyHeader(string header, GenerationClientContext client)
        => string.Equals(header, GenerationResilienceConstants.DefaultApiKeyHeaderName, StringComparison.OrdinalIgnoreCase)
            || string.Equals(header, client.Options.ApiKeyHeaderName, StringComparison.OrdinalIgnoreCase);

    /// <summary>The last handler action: the primary handler's settings, and one resilience handler only.</summary>
    private static void Complete(HttpMessageHandlerBuilder builder, GenerationClientContext client, GenerationClientDefinition definition, HttpClientFactoryOptions factoryOptions)
    {
        GenerationResilienceOptions options = client.Options;
        bool customKeyHeader = options.ApiKeys.Count > 0
            && !string.Equals(options.ApiKeyHeaderName, GenerationResilienceConstants.DefaultApiKeyHeaderName, StringComparison.OrdinalIgnoreCase);

        switch (builder.PrimaryHandler)
        {
            case SocketsHttpHandler sockets:
                if (sockets.ConnectTimeout == Timeout.InfiniteTimeSpan)
                {
                    sockets.ConnectTimeout = options.ConnectTimeout;
                }

                if (sockets.PooledConnectionLifetime == Timeout.InfiniteTimeSpan)
                {
                    sockets.PooledConnectionLifetime = GenerationResilienceConstants.PooledConnectionLifetime;
                }

                // The handler recycles its own connections (DNS changes are seen): rebuilding it every 2 minutes, as the
                // factory does by default, would only throw its connection pool away. The factory reads the lifetime
                // after this action runs.
                if (factoryOptions.HandlerLifetime == DefaultHandlerLifetime)
                {
                    factoryOptions.HandlerLifetime = Timeout.InfiniteTimeSpan;
                }

                // .NET drops Authorization on a redirect, but not a custom header: never follow a key to another host.
                if (customKeyHeader)
                {
                    sockets.AllowAutoRedirect = false;
                }

                break;

            case HttpClientHandler handler:
                Log.ConnectTimeoutNotApplied(client.Logger, client.Provider, nameof(HttpClientHandler));
                if (customKeyHeader)
                {
                    handler.AllowAutoRedirect = false;
                }

                break;
        }

        int resilienceHandlers = builder.AdditionalHandlers.Count(h => h is ResilienceHandler);
        if (resilienceHandlers <= 1)
        {
            return;
        }

        if (definition.OwnsClient)
        {
            // A provider client is GenResilience's own: a generic handler added to every client (.NET Aspire's service
            // defaults do this) would multiply its retries and cut its long calls. Take the others out.
            // Ours is the one right before the ApiKeyHandler, which is added with it.
            int keyHandler = IndexOfKeyHandler(builder.AdditionalHandlers);
            DelegatingHandler? ours = keyHandler > 0 ? builder.AdditionalHandlers[keyHandler - 1] : null;
            for (int i = builder.AdditionalHandlers.Count - 1; i >= 0; i--)
            {
                if (builder.AdditionalHandlers[i] is ResilienceHandler other && !ReferenceEquals(other, ours))
                {
                    builder.AdditionalHandlers.RemoveAt(i);
                }
            }

            Log.OtherResilienceHandlerRemoved(client.Logger, client.Provider, resilienceHandlers - 1, builder.Name ?? definition.ClientName);
            return;
        }

        throw new HandlerChainException(
            $"The HttpClient '{builder.Name}' has {resilienceHandlers} resilience handlers: GenResilience's and {resilienceHandlers - 1} other(s), such as " +
            "AddStandardResilienceHandler(), possibly added to every client by ConfigureHttpClientDefaults (as .NET Aspire's service defaults do). " +
            "Each one retries what the other retries, so one failing POST is sent up to 16 times, and the other's timeouts cut long calls. " +
            $"Call RemoveAllResilienceHandlers() on this client before AddGenerationResilience(): services.AddHttpClient(\"{builder.Name}\").RemoveAllResilienceHandlers().AddGenerationResilience(...).");
    }
}
