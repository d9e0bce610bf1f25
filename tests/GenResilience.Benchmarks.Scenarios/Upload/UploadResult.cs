using GenResilience.Benchmarks.Server;

namespace GenResilience.Benchmarks.Upload;

/// <summary>The clients the upload scenario sends the file through.</summary>
public enum UploadPath
{
    /// <summary><c>IUseApiClient.UploadAssetAsync</c> with <c>UseApiUpload.FromFile</c>: the raw file as the body.</summary>
    UseApiUploadAsset,

    /// <summary>A bare <c>AddGenerationResilience()</c> client, a <see cref="MultipartFormDataContent"/> built by <c>SetContentFactory</c>.</summary>
    BareMultipart,

    /// <summary>
    /// The control: the same bare client and multipart form, with the file read into memory first
    /// (<see cref="ByteArrayContent"/> over <c>File.ReadAllBytes</c>), as code that buffers to make retries possible
    /// does. It shows that the measure sees a file held in memory.
    /// </summary>
    BufferedControl,
}

/// <summary>One upload through one client, with the memory the process used meanwhile.</summary>
/// <param name="Path">The client.</param>
/// <param name="FileBytes">The file's size.</param>
/// <param name="Succeeded">Whether the call returned what the endpoint's success answer holds.</param>
/// <param name="Error">Why it failed, if it did.</param>
/// <param name="Elapsed">From the call to its answer, retries and their delays included.</param>
/// <param name="Memory">The process's memory, idle and during the upload.</param>
/// <param name="Served">The attempts the endpoint read, in order.</param>
public sealed record UploadResult(UploadPath Path, long FileBytes, bool Succeeded, string? Error, TimeSpan Elapsed, MemoryPeak Memory, IReadOnlyList<ServedUpload> Served)
{
    /// <summary>Gets how the tables name the client.</summary>
    public string Name => Path switch
    {
        UploadPath.UseApiUploadAsset => "UseAPI `UploadAssetAsync` (raw body, `UseApiUpload.FromFile`)",
        UploadPath.BareMultipart => "bare `AddGenerationResilience()`, multipart via `SetContentFactory`",
        _ => "control: the same, the file read into memory first (`File.ReadAllBytes`)",
    };

    /// <summary>Gets whether every attempt carried the whole file.</summary>
    public bool EveryAttemptWhole => Served.Count > 0 && Served.All(s => s.FileBytes == FileBytes);

    /// <summary>
    /// Gets whether the target of issue 12 was met: the upload succeeded after the planned 503s, with the whole file in
    /// every attempt, and the peak working set stayed within <see cref="UploadSettings.TargetBytesAboveIdle"/> of idle.
    /// </summary>
    /// <param name="attempts">The attempts planned: the 503s and the success.</param>
    /// <returns>Whether it was met; <see langword="null"/> for the control, which has no target.</returns>
    public bool? TargetMet(int attempts) => Path == UploadPath.BufferedControl ? null : Succeeded && Served.Count == attempts && EveryAttemptWhole && Memory.WorkingSetAboveIdle < UploadSettings.TargetBytesAboveIdle;
}
