namespace GenResilience;

/// <summary>A finished video from <see cref="IUseApiClient.GenerateVideoAsync"/>.</summary>
public sealed class UseApiVideoResult
{
    /// <summary>Gets the job that made the video.</summary>
    public required string JobId { get; init; }

    /// <summary>Gets the video's address.</summary>
    public required Uri AssetUrl { get; init; }

    /// <summary>Gets the model that made the video: <see cref="UseApiClientOptions.FallbackModel"/> when the emergency fallback served a VEO request.</summary>
    public required UseApiModel Model { get; init; }

    /// <summary>Gets the model the request asked for.</summary>
    public required UseApiModel RequestedModel { get; init; }

    /// <summary>Gets the account the job ran on, when the client chose one.</summary>
    public string? Email { get; init; }

    /// <summary>Gets a value indicating whether VEO was failing and the video was made by the fallback model instead.</summary>
    public bool UsedFallback { get; init; }

    /// <summary>Gets what did not go to plan but did not stop the video (a reference image that could not be uploaded, ...).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
