using GenResilience;
using GenResilience.Samples.Quickstart;

namespace Microsoft.Extensions.DependencyInjection;

internal static class CallRecordingServiceCollectionExtensions
{
    /// <summary>Records each provider call's HTTP requests (attempts and key fingerprints) for the summary table.</summary>
    public static IServiceCollection AddCallRecording(this IServiceCollection services)
    {
        services.AddSingleton<CallRecorder>();
        foreach (string client in new[] { GenerationHttpClientNames.UseApi, GenerationHttpClientNames.Bytez, GenerationHttpClientNames.Velro })
        {
            // After AddGenerationClients(), so the handler comes after GenResilience's key handler.
            services.AddHttpClient(client).AddHttpMessageHandler(provider => new RecordingHandler(provider.GetRequiredService<CallRecorder>()));
        }

        return services;
    }
}
