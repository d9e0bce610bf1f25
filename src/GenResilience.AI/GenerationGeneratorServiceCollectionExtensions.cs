using GenResilience;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the generators of <see cref="GenerationGeneratorExtensions"/> in DI, keyed by model (or by a key you
/// choose), next to the clients of <c>AddGenerationClients()</c>. Image generators are registered with
/// Microsoft.Extensions.AI's <c>AddKeyedImageGenerator</c>, so its middleware composes:
/// <c>services.AddBytezImageGenerator("stabilityai/stable-diffusion-xl-base-1.0").UseLogging()</c>.
/// </summary>
public static class GenerationGeneratorServiceCollectionExtensions
{
    /// <summary>Registers a keyed <see cref="IImageGenerator"/> for a Bytez image model.</summary>
    /// <param name="services">The services, with <c>AddGenerationClients()</c> and Bytez configured.</param>
    /// <param name="modelId">The model.</param>
    /// <param name="serviceKey">The key to resolve it by; <see langword="null"/> for <paramref name="modelId"/>.</param>
    /// <returns>Microsoft.Extensions.AI's builder, for middleware (<c>.UseLogging()</c>, <c>.UseOpenTelemetry()</c>, ...).</returns>
    public static ImageGeneratorBuilder AddBytezImageGenerator(this IServiceCollection services, string modelId, object? serviceKey = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        return services.AddKeyedImageGenerator(serviceKey ?? modelId, sp => sp.GetRequiredService<IBytezClient>().AsImageGenerator(modelId));
    }

    /// <summary>Registers a keyed <see cref="IImageGenerator"/> for a Velro image model.</summary>
    /// <param name="services">The services, with <c>AddGenerationClients()</c> and Velro configured.</param>
    /// <param name="modelId">The model.</param>
    /// <param name="serviceKey">The key to resolve it by; <see langword="null"/> for <paramref name="modelId"/>.</param>
    /// <returns>Microsoft.Extensions.AI's builder, for middleware.</returns>
    public static ImageGeneratorBuilder AddVelroImageGenerator(this IServiceCollection services, string modelId, object? serviceKey = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        return services.AddKeyedImageGenerator(serviceKey ?? modelId, sp => sp.GetRequiredService<IVelroClient>().AsImageGenerator(modelId));
    }

    /// <summary>Registers a keyed <see cref="IVideoGenerator"/> for a UseAPI model (LTX Studio or Google Flow).</summary>
    /// <param name="services">The services, with <c>AddGenerationClients()</c> and UseAPI configured.</param>
    /// <param name="model">The model in any accepted spelling.</param>
    /// <param name="serviceKey">The key to resolve it by; <see langword="null"/> for the model's wire name (<c>veo-3.1-fast</c>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddUseApiVideoGenerator(this IServiceCollection services, string model, object? serviceKey = null)
    {
        UseApiModel parsed = UseApiModel.Parse(model);
        return services.AddKeyedSingleton(serviceKey ?? parsed.WireName, (sp, _) => sp.GetRequiredService<IUseApiClient>().AsVideoGenerator(parsed));
    }

    /// <summary>Registers a keyed <see cref="IVideoGenerator"/> for a Velro video model.</summary>
    /// <param name="services">The services, with <c>AddGenerationClients()</c> and Velro configured.</param>
    /// <param name="modelId">The model.</param>
    /// <param name="serviceKey">The key to resolve it by; <see langword="null"/> for <paramref name="modelId"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddVelroVideoGenerator(this IServiceCollection services, string modelId, object? serviceKey = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        return services.AddKeyedSingleton(serviceKey ?? modelId, (sp, _) => sp.GetRequiredService<IVelroClient>().AsVideoGenerator(modelId));
    }

    /// <summary>Registers a keyed <see cref="IVideoGenerator"/> for a Bytez video model.</summary>
    /// <param name="services">The services, with <c>AddGenerationClients()</c> and Bytez configured.</param>
    /// <param name="modelId">The model.</param>
    /// <param name="serviceKey">The key to resolve it by; <see langword="null"/> for <paramref name="modelId"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBytezVideoGenerator(this IServiceCollection services, string modelId, object? serviceKey = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        return services.AddKeyedSingleton(serviceKey ?? modelId, (sp, _) => sp.GetRequiredService<IBytezClient>().AsVideoGenerator(modelId));
    }
}
