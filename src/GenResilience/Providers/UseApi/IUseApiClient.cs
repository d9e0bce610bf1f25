namespace GenResilience;

/// <summary>
/// The UseAPI client: LTX Studio (LTX, VEO) and Google Flow videos, with an account pool, job polling with progress,
/// reference-image upload with a fallback, and an emergency mode that serves VEO requests on LTX while VEO is down.
/// Every call goes through the resilient pipeline (5/15/30 s retries of 522/523/5xx, token rotation on 401) and
/// every failure is a <see cref="GenerationException"/>.
/// </summary>
public interface IUseApiClient
{
    /// <summary>Gets the health of each model family (healthy, degraded since when, last error).</summary>
    UseApiHealth Health { get; }

    /// <summary>
    /// Starts an LTX Studio video (<c>ltx-create</c> for LTX models, <c>veo-create</c> for VEO models) on an account that
    /// serves the model and has the balance for it. A create that fails ambiguously is looked for among the account's
    /// executing jobs (by a unique <c>replyRef</c>) before it is sent again.
    /// </summary>
    /// <param name="request">The video; a Flow model is sent to Google Flow.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job to wait for.</returns>
    Task<UseApiJob> CreateVideoAsync(UseApiVideoRequest request, CancellationToken cancellationToken = default);

    /// <summary>Starts a Google Flow video (<c>POST /v1/google-flow/videos</c> with <c>async: true</c>).</summary>
    /// <param name="request">The video; its model must be a Flow model (<c>veo-3.1-fast</c>, ...).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job to wait for.</returns>
    Task<UseApiJob> CreateFlowVideoAsync(UseApiVideoRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Uploads a reference image (<c>POST /v1/ltxstudio/assets/?email=…&amp;type=reference-image</c>): the raw bytes with
    /// the file's MIME type, the file re-opened for every attempt.
    /// </summary>
    /// <param name="upload">The file.</param>
    /// <param name="email">The account to upload to; <see langword="null"/> for the first configured account, or none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The asset id, for <see cref="UseApiVideoRequest.StartAssetId"/>.</returns>
    Task<string> UploadAssetAsync(UseApiUpload upload, string? email = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a job's status once (LTX Studio asset or Google Flow job, by its id).</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    Task<UseApiJobStatus> GetJobAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits for a job, looking every <see cref="UseApiClientOptions.PollInterval"/>, until it is completed (status
    /// completed and an asset address), failed (<see cref="GenerationErrorKind.JobFailed"/>), gone (404:
    /// <see cref="GenerationErrorKind.JobExpired"/>) or past <see cref="UseApiClientOptions.JobTimeout"/>
    /// (<see cref="GenerationErrorKind.Timeout"/>).
    /// </summary>
    /// <param name="jobId">The job id (LTX Studio or Google Flow).</param>
    /// <param name="progress">Told each time the status or the percentage changes.</param>
    /// <param name="cancellationToken">Cancels the wait at once.</param>
    /// <returns>The completed job's status, with its asset address.</returns>
    Task<UseApiJobStatus> WaitForCompletionAsync(string jobId, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Waits for a job started by this client; see <see cref="WaitForCompletionAsync(string, IProgress{GenerationProgress}?, CancellationToken)"/>.</summary>
    /// <param name="job">The job.</param>
    /// <param name="progress">Told each time the status or the percentage changes.</param>
    /// <param name="cancellationToken">Cancels the wait at once.</param>
    /// <returns>The completed job's status, with its asset address.</returns>
    Task<UseApiJobStatus> WaitForCompletionAsync(UseApiJob job, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a video end to end: uploads the reference image if there is one (going on without it if the upload fails
    /// and <see cref="UseApiClientOptions.ContinueWithoutReferenceImage"/> is on), chooses an account, creates the job,
    /// and waits for it. While VEO is failing, a VEO request runs on <see cref="UseApiClientOptions.FallbackModel"/>.
    /// </summary>
    /// <param name="request">The video.</param>
    /// <param name="progress">Told each time the job's status or percentage changes.</param>
    /// <param name="cancellationToken">Cancels everything at once.</param>
    /// <returns>The video, the model and account that made it, whether the fallback was used, and warnings.</returns>
    Task<UseApiVideoResult> GenerateVideoAsync(UseApiVideoRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Probes each endpoint family once, without retries: the account call, LTX, VEO, Google Flow and assets. The table
    /// a support engineer wants when "everything returns 522".
    /// </summary>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <returns>One row per endpoint.</returns>
    Task<ProviderProbeResult> ProbeAsync(CancellationToken cancellationToken = default);
}
