namespace GenResilience;

/// <summary>
/// The Velro client (a FastAPI backend in front of fal.ai models): the model registry, multipart generations checked
/// before they are sent, polling until a generation is done, the account, and a diagnosis. Resolve it from DI after
/// <c>AddGenerationClients()</c> with <c>GenerationClients:Velro</c> configured; mock it in tests of your own code.
/// </summary>
/// <remarks>
/// Every failure other than the caller's own cancellation is a <see cref="GenerationException"/> whose
/// <see cref="GenerationException.Kind"/> says what it really is: an unknown model is
/// <see cref="GenerationErrorKind.ModelNotFound"/>, a form Velro could not read is
/// <see cref="GenerationErrorKind.InvalidRequest"/>, a 4xx is never <see cref="GenerationErrorKind.ServiceUnavailable"/>.
/// </remarks>
public interface IVelroClient
{
    /// <summary>
    /// Gets Velro's model registry (<c>GET /api/v1/generations/models/supported</c>), kept for
    /// <see cref="VelroClientOptions.ModelCacheDuration"/>; concurrent first calls share one read.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; a read other callers share goes on.</param>
    /// <returns>The models, in the registry's order (by type, then by credits).</returns>
    /// <exception cref="GenerationException">The registry could not be read.</exception>
    Task<IReadOnlyList<VelroModel>> GetSupportedModelsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a generation (<c>POST /api/v1/generations</c>, always multipart/form-data) after checking it: prompt,
    /// model in the registry, parameters that fit the model, the reference image, the account's credits. A request
    /// that fails a check is not sent. The create starts a paid job, so
    /// <see cref="GenerationResilienceOptions.RetryNonIdempotentAfterAmbiguousFailure"/> decides whether it is repeated
    /// after a failure that may have reached Velro (a 503 among them).
    /// </summary>
    /// <param name="request">The generation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new generation, usually <see cref="VelroGenerationStatus.Pending"/>.</returns>
    /// <exception cref="GenerationException">
    /// <see cref="GenerationErrorKind.ModelNotFound"/> (the message lists the valid ids), <see cref="GenerationErrorKind.InvalidRequest"/>
    /// (with <see cref="GenerationException.ValidationErrors"/>), <see cref="GenerationErrorKind.InsufficientCredits"/>
    /// (naming what the model needs and what the account has), <see cref="GenerationErrorKind.Unauthorized"/>, ...
    /// </exception>
    Task<VelroGeneration> CreateGenerationAsync(VelroGenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads a generation (<c>GET /api/v1/generations/{id}</c>); safe to retry.</summary>
    /// <param name="generationId">The generation's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The generation as it stands.</returns>
    /// <exception cref="GenerationException">For example <see cref="GenerationErrorKind.JobExpired"/> when Velro does not know the id.</exception>
    Task<VelroGeneration> GetGenerationAsync(string generationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a generation (as <see cref="CreateGenerationAsync"/>) and reads it every
    /// <see cref="VelroClientOptions.PollInterval"/> until it is done, for at most <see cref="VelroClientOptions.JobTimeout"/>.
    /// </summary>
    /// <param name="request">The generation.</param>
    /// <param name="progress">Told each time the status changes (<c>pending</c>, <c>processing</c>, <c>completed</c>).</param>
    /// <param name="cancellationToken">Stops waiting at once (the generation goes on at Velro).</param>
    /// <returns>The completed generation; its <see cref="VelroGeneration.OutputUrls"/> are the results.</returns>
    /// <exception cref="GenerationException">
    /// <see cref="GenerationErrorKind.JobFailed"/> when it failed (with Velro's error message) or was cancelled;
    /// <see cref="GenerationErrorKind.Timeout"/> after <see cref="VelroClientOptions.JobTimeout"/>; any failure of <see cref="CreateGenerationAsync"/>.
    /// </exception>
    Task<VelroGeneration> GenerateAsync(VelroGenerationRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Gets the account behind the token (<c>GET /api/v1/auth/me</c>): e-mail and credits balance.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account.</returns>
    /// <exception cref="GenerationException">For example <see cref="GenerationErrorKind.Unauthorized"/> when the session expired.</exception>
    Task<VelroUser> GetCurrentUserAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks the service as a support engineer would, one row per check, in order: connectivity (<c>/health</c>), the
    /// token on <c>/auth/me</c> (one row per token), the model registry, that a request without a token is refused
    /// (401), and a dry run of the create endpoint with a multipart form whose model no registry holds (Velro must answer
    /// 400 "not found in registry"; nothing is generated or charged, though it counts against the create rate limit).
    /// Nothing is retried: each row is what the service says now.
    /// </summary>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>The rows; <see cref="ProviderProbeResult.IsHealthy"/> when every row is <see cref="ProbeVerdict.Ok"/>.</returns>
    Task<ProviderProbeResult> ProbeAsync(CancellationToken cancellationToken = default);

    /// <summary>The same checks as <see cref="ProbeAsync"/>, under the name of the support report it answers.</summary>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>The rows.</returns>
    Task<ProviderProbeResult> DiagnoseAsync(CancellationToken cancellationToken = default);
}
