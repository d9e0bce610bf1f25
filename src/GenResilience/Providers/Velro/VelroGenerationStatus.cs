namespace GenResilience;

/// <summary>Where a Velro generation stands (its <c>status</c>).</summary>
public enum VelroGenerationStatus
{
    /// <summary>A status this version of the client does not know; treated as still running.</summary>
    Unknown = 0,

    /// <summary><c>pending</c> (or <c>queued</c>): accepted, not started. A create answers with this.</summary>
    Pending,

    /// <summary><c>processing</c>: fal.ai is generating.</summary>
    Processing,

    /// <summary><c>completed</c>: <see cref="VelroGeneration.OutputUrls"/> holds the results.</summary>
    Completed,

    /// <summary><c>failed</c>: <see cref="VelroGeneration.ErrorMessage"/> says why.</summary>
    Failed,

    /// <summary><c>cancelled</c>.</summary>
    Cancelled,
}
