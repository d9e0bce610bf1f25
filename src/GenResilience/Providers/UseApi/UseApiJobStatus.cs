namespace GenResilience;

/// <summary>Where a UseAPI job stands (LTX Studio asset or Google Flow job).</summary>
/// <param name="JobId">The job id.</param>
/// <param name="Status">The service's status: <c>active</c>, <c>completed</c>, <c>failed</c> (Flow: <c>created</c>, <c>started</c>, ...).</param>
/// <param name="Progress">Percent done, when the service says.</param>
/// <param name="AssetUrl">The video's address, once there is one.</param>
/// <param name="Message">The service's message (the reason of a failure).</param>
public sealed record UseApiJobStatus(string JobId, string Status, int? Progress, Uri? AssetUrl, string? Message)
{
    /// <summary>
    /// Gets a value indicating whether the job is done: the status says completed AND the asset address is there. UseAPI
    /// warns that the two may be out of sync, so either alone means "look again".
    /// </summary>
    public bool IsCompleted => AssetUrl is not null && Status.Equals("completed", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets a value indicating whether the job failed.</summary>
    public bool IsFailed => Status.Equals("failed", StringComparison.OrdinalIgnoreCase);
}
