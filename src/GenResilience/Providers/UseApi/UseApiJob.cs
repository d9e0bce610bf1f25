namespace GenResilience;

/// <summary>A job UseAPI accepted: what to wait for with <see cref="IUseApiClient.WaitForCompletionAsync(UseApiJob, IProgress{GenerationProgress}?, CancellationToken)"/>.</summary>
/// <param name="JobId">The job id.</param>
/// <param name="GenerationId">LTX Studio's generation id, when it gave one.</param>
/// <param name="Model">The model the job runs on.</param>
/// <param name="Email">The account it runs on, when the client chose one.</param>
/// <param name="ReplyRef">The client's unique reference for this create, which lets a job started before a timeout be found again.</param>
public sealed record UseApiJob(string JobId, string? GenerationId, UseApiModel Model, string? Email, string ReplyRef)
{
    /// <summary>Gets a value indicating whether the create failed ambiguously and the job was found among the executing ones instead of being started again.</summary>
    public bool Adopted { get; init; }
}
