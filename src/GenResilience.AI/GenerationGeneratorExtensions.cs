using GenResilience.AI;
using Microsoft.Extensions.AI;

namespace GenResilience;

/// <summary>
/// One interface per medium over the provider clients: Microsoft.Extensions.AI's <see cref="IImageGenerator"/> for
/// images, <see cref="IVideoGenerator"/> for videos. Each generator is a thin adapter: retries, key rotation,
/// timeouts and errors are the client's, and failures stay <see cref="GenerationException"/>s.
/// </summary>
public static class GenerationGeneratorExtensions
{
    /// <summary>Gets an <see cref="IImageGenerator"/> that runs a Bytez image model.</summary>
    /// <param name="client">The Bytez client.</param>
    /// <param name="modelId">The model, for example <c>stabilityai/stable-diffusion-xl-base-1.0</c>; <c>ImageGenerationOptions.ModelId</c> overrides it per call.</param>
    /// <returns>The generator.</returns>
    public static IImageGenerator AsImageGenerator(this IBytezClient client, string modelId) => new BytezImageGenerator(client, modelId);

    /// <summary>Gets an <see cref="IImageGenerator"/> that runs a Velro image model (checked against Velro's registry before each call).</summary>
    /// <param name="client">The Velro client.</param>
    /// <param name="modelId">The model, for example <c>fal-ai/flux-pro/v1.1-ultra</c>; <c>ImageGenerationOptions.ModelId</c> overrides it per call.</param>
    /// <returns>The generator.</returns>
    public static IImageGenerator AsImageGenerator(this IVelroClient client, string modelId) => new VelroImageGenerator(client, modelId, providerUri: null);

    /// <summary>Gets an <see cref="IVideoGenerator"/> that makes UseAPI videos (LTX Studio or Google Flow) with <see cref="IUseApiClient.GenerateVideoAsync"/>.</summary>
    /// <param name="client">The UseAPI client.</param>
    /// <param name="model">The model in any spelling <see cref="UseApiModel.Parse"/> takes: <c>veo-3.1-fast</c>, <c>LTX Turbo</c>, ...</param>
    /// <returns>The generator.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is not a UseAPI model; the message lists the accepted names.</exception>
    public static IVideoGenerator AsVideoGenerator(this IUseApiClient client, string model) => new UseApiVideoGenerator(client, UseApiModel.Parse(model), UseApiClientOptions.DefaultBaseAddress);

    /// <summary>Gets an <see cref="IVideoGenerator"/> that makes UseAPI videos with <paramref name="model"/>.</summary>
    /// <param name="client">The UseAPI client.</param>
    /// <param name="model">The model.</param>
    /// <returns>The generator.</returns>
    public static IVideoGenerator AsVideoGenerator(this IUseApiClient client, UseApiModel model) => new UseApiVideoGenerator(client, model, UseApiClientOptions.DefaultBaseAddress);

    /// <summary>Gets an <see cref="IVideoGenerator"/> that runs a Velro video model, polled to completion.</summary>
    /// <param name="client">The Velro client.</param>
    /// <param name="modelId">The model, for example <c>fal-ai/veo3</c>.</param>
    /// <returns>The generator.</returns>
    public static IVideoGenerator AsVideoGenerator(this IVelroClient client, string modelId) => new VelroVideoGenerator(client, modelId, providerUri: null);

    /// <summary>Gets an <see cref="IVideoGenerator"/> that runs a Bytez video model.</summary>
    /// <param name="client">The Bytez client.</param>
    /// <param name="modelId">The model.</param>
    /// <returns>The generator.</returns>
    public static IVideoGenerator AsVideoGenerator(this IBytezClient client, string modelId) => new BytezVideoGenerator(client, modelId);
}
