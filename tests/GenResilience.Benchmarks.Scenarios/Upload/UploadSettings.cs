namespace GenResilience.Benchmarks.Upload;

/// <summary>The upload scenario's file, faults and sampling.</summary>
/// <param name="FileBytes">The size of the file uploaded.</param>
/// <param name="FailuresBeforeSuccess">How many attempts the endpoint answers 503 (after reading them whole) before one succeeds.</param>
/// <param name="RetryDelay">Every retry delay of the clients (<c>RetryDelays</c>, set through the options), shortened from 5/15/30 s.</param>
/// <param name="SampleInterval">How often the working set and the managed heap are sampled during an upload.</param>
public sealed record UploadSettings(long FileBytes, int FailuresBeforeSuccess, TimeSpan RetryDelay, TimeSpan SampleInterval)
{
    /// <summary>The target of issue 12: the peak working set stays within this much of the idle process.</summary>
    public const long TargetBytesAboveIdle = 64L * 1024 * 1024;

    /// <summary>Gets the scenario of issue 12: 256 MB, two 503s before the success, retries 100 ms apart, a sample every 5 ms.</summary>
    public static UploadSettings Full { get; } = new(256L * 1024 * 1024, 2, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(5));

    /// <summary>Gets a 32 MB file, for a quick look (figures not for publishing).</summary>
    public static UploadSettings Quick { get; } = Full with { FileBytes = 32L * 1024 * 1024 };
}
