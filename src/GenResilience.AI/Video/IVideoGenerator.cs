namespace GenResilience;

/// <summary>
/// Makes videos from a prompt, shaped like Microsoft.Extensions.AI's <c>IImageGenerator</c> (which has no video
/// counterpart yet): one interface for every provider, so a call site does not change when the provider does, and a
/// failover (see docs/failover.md) can stand in for any of them.
/// </summary>
/// <remarks>
/// Get one from a provider client (<c>useApiClient.AsVideoGenerator("veo-3.1-fast")</c>,
/// <c>velroClient.AsVideoGenerator("fal-ai/veo3")</c>, <c>bytezClient.AsVideoGenerator(modelId)</c>) or from DI
/// (<c>services.AddUseApiVideoGenerator(...)</c> and its siblings). Failures are <see cref="GenerationException"/>s.
/// </remarks>
public interface IVideoGenerator : IDisposable
{
    /// <summary>Makes a video and waits for it.</summary>
    /// <param name="request">The prompt and the optional reference image.</param>
    /// <param name="options">Duration, aspect ratio, resolution, seed, count, model and the rest; <see langword="null"/> for the generator's defaults.</param>
    /// <param name="progress">Told each time the job's status or percentage changes, for providers that report it.</param>
    /// <param name="cancellationToken">Cancels the call, waits included.</param>
    /// <returns>The video's address, the model and provider that made it, warnings and the provider's own result.</returns>
    /// <exception cref="GenerationException">The provider failed; <see cref="GenerationException.Kind"/> says how.</exception>
    Task<VideoGenerationResponse> GenerateAsync(
        VideoGenerationRequest request,
        VideoGenerationOptions? options = null,
        IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default);

    /// <summary>Asks for a service the generator or an inner one provides, as in Microsoft.Extensions.AI.</summary>
    /// <param name="serviceType">The type asked for: <see cref="VideoGeneratorMetadata"/>, the provider client, ...</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    object? GetService(Type serviceType, object? serviceKey = null);
}
