namespace GenResilience;

/// <summary>
/// The Bytez client (<c>api.bytez.com</c>): runs models with key rotation, retries and friendly errors. Resolve it from
/// DI after <c>services.AddGenerationClients()</c> when <c>GenerationClients:Bytez</c> or <c>BYTEZ_API_KEY_1</c>, ...
/// is configured. Every failure that is not the caller's own cancellation is a <see cref="GenerationException"/>.
/// </summary>
/// <remarks>
/// Bytez answers synchronously: a run returns its output in the same HTTP call (an image within about 90 s, a video
/// within about 180 s, a cold model after a few minutes). There are no jobs to poll.
/// </remarks>
public interface IBytezClient
{
    /// <summary>
    /// Runs any Bytez model: <c>POST /models/v2/{modelId}</c> with the request's inputs.
    /// </summary>
    /// <param name="modelId">The model id, for example <c>openai-community/gpt2</c>.</param>
    /// <param name="request">The inputs, the model's parameters and the queue priority.</param>
    /// <param name="cancellationToken">Cancels the call, also while it waits in the queue.</param>
    /// <returns>The model's output and the whole JSON answer.</returns>
    /// <exception cref="GenerationException">The run failed; <see cref="GenerationException.Kind"/> says why.</exception>
    Task<BytezResult> RunAsync(string modelId, BytezRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Generates an image from a prompt with a text-to-image model, each attempt bounded by <see cref="BytezClientOptions.ImageTimeout"/>.
    /// </summary>
    /// <param name="modelId">The model id, for example <c>stabilityai/stable-diffusion-xl-base-1.0</c>.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="parameters">The model's parameters (<c>params</c>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call, also while it waits in the queue.</param>
    /// <returns>The address of the generated image.</returns>
    /// <exception cref="GenerationException">The run failed; <see cref="GenerationException.Kind"/> says why.</exception>
    Task<string> GenerateImageAsync(string modelId, string prompt, IReadOnlyDictionary<string, object>? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Generates an image from a prompt, queued with <paramref name="priority"/> when the client's
    /// <see cref="BytezClientOptions.MaxConcurrentRequests"/> are in flight.
    /// </summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="parameters">The model's parameters (<c>params</c>), or <see langword="null"/>.</param>
    /// <param name="priority">Where the run goes in the queue.</param>
    /// <param name="cancellationToken">Cancels the call, also while it waits in the queue.</param>
    /// <returns>The address of the generated image.</returns>
    /// <exception cref="GenerationException">The run failed; <see cref="GenerationException.Kind"/> says why.</exception>
    Task<string> GenerateImageAsync(string modelId, string prompt, IReadOnlyDictionary<string, object>? parameters, BytezPriority priority, CancellationToken cancellationToken = default);

    /// <summary>
    /// Generates a video from a prompt with a text-to-video model, each attempt bounded by <see cref="BytezClientOptions.VideoTimeout"/>.
    /// </summary>
    /// <param name="modelId">The model id, for example <c>ali-vilab/text-to-video-ms-1.7b</c>.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="parameters">The model's parameters (<c>params</c>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call, also while it waits in the queue.</param>
    /// <returns>The address of the generated video.</returns>
    /// <exception cref="GenerationException">The run failed; <see cref="GenerationException.Kind"/> says why.</exception>
    Task<string> GenerateVideoAsync(string modelId, string prompt, IReadOnlyDictionary<string, object>? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Generates a video from a prompt, queued with <paramref name="priority"/> when the client's
    /// <see cref="BytezClientOptions.MaxConcurrentRequests"/> are in flight.
    /// </summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="prompt">The prompt.</param>
    /// <param name="parameters">The model's parameters (<c>params</c>), or <see langword="null"/>.</param>
    /// <param name="priority">Where the run goes in the queue.</param>
    /// <param name="cancellationToken">Cancels the call, also while it waits in the queue.</param>
    /// <returns>The address of the generated video.</returns>
    /// <exception cref="GenerationException">The run failed; <see cref="GenerationException.Kind"/> says why.</exception>
    Task<string> GenerateVideoAsync(string modelId, string prompt, IReadOnlyDictionary<string, object>? parameters, BytezPriority priority, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the models Bytez can run (<c>GET /models/v2/list/models?task=</c>), reused for
    /// <see cref="BytezClientOptions.ModelListCacheDuration"/>.
    /// </summary>
    /// <param name="task">Only models of this task (<c>text-to-image</c>, <c>text-to-video</c>, <c>chat</c>, ...), or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The models.</returns>
    /// <exception cref="GenerationException">The list could not be read.</exception>
    Task<IReadOnlyList<BytezModel>> ListModelsAsync(string? task = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks the service and every configured key, one attempt each and no retries: the key check
    /// (<c>GET /models/v2/list/tasks</c>) once per key, named by its fingerprint (ok, rejected, out of credits), and the
    /// model list endpoint with a key that passed. The first row is the model list, then one row per key. A probe only
    /// reports: it neither quarantines keys nor runs a model.
    /// </summary>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>One row per endpoint and per key.</returns>
    Task<ProviderProbeResult> ProbeAsync(CancellationToken cancellationToken = default);
}
