namespace GenResilience;

/// <summary>
/// A video to generate with UseAPI: LTX Studio (LTX, VEO) or Google Flow, by <see cref="Model"/>. Only
/// <see cref="Prompt"/> is required; what is left <see langword="null"/> is not sent and the service's default applies.
/// </summary>
public sealed class UseApiVideoRequest
{
    /// <summary>Gets the prompt (at most 2,000 characters for LTX Studio).</summary>
    public required string Prompt { get; init; }

    /// <summary>Gets the model; its family decides the endpoint.</summary>
    /// <value>The default is <see cref="UseApiModel.LtxvTurbo"/>.</value>
    public UseApiModel Model { get; init; } = UseApiModel.LtxvTurbo;

    /// <summary>Gets the account to use; <see langword="null"/> lets the client choose among the configured accounts.</summary>
    public string? Email { get; init; }

    /// <summary>Gets the duration in seconds (LTX: 3, 5, 7, 9, ...; VEO2: 5 to 8; VEO3: 8).</summary>
    public int? Duration { get; init; }

    /// <summary>Gets the aspect ratio: <c>16:9</c>, <c>9:16</c> or <c>1:1</c> (Flow: <c>16:9</c> is sent as <c>landscape</c>, <c>9:16</c> as <c>portrait</c>).</summary>
    public string? AspectRatio { get; init; }

    /// <summary>Gets the resolution, <c>720p</c> or <c>1080p</c> (VEO3 only).</summary>
    public string? Resolution { get; init; }

    /// <summary>Gets the motion intensity for LTX models: <c>low</c>, <c>medium</c> or <c>high</c>.</summary>
    public string? Intensity { get; init; }

    /// <summary>Gets the asset the video starts from (required by VEO2), from <see cref="IUseApiClient.UploadAssetAsync"/>.</summary>
    public string? StartAssetId { get; init; }

    /// <summary>Gets the asset the video ends on.</summary>
    public string? EndAssetId { get; init; }

    /// <summary>Gets the seed.</summary>
    public long? Seed { get; init; }

    /// <summary>Gets a value indicating whether LTX Studio adds sound effects.</summary>
    public bool? AudioSfx { get; init; }

    /// <summary>Gets the number of videos (Flow, 1 to 4).</summary>
    public int? Count { get; init; }

    /// <summary>
    /// Gets a reference image that <see cref="IUseApiClient.GenerateVideoAsync"/> uploads first and starts the video
    /// from (ignored when <see cref="StartAssetId"/> is set).
    /// </summary>
    public UseApiUpload? ReferenceImage { get; init; }
}
