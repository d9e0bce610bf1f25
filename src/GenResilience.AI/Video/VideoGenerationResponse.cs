using Microsoft.Extensions.AI;

namespace GenResilience;

/// <summary>A video made by an <see cref="IVideoGenerator"/>: its address, who made it, warnings and the provider's own result.</summary>
public sealed class VideoGenerationResponse
{
    /// <summary>Initializes a new instance of the <see cref="VideoGenerationResponse"/> class.</summary>
    public VideoGenerationResponse()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VideoGenerationResponse"/> class.</summary>
    /// <param name="contents">The videos: <see cref="UriContent"/> (or <see cref="DataContent"/> when the provider returns bytes).</param>
    public VideoGenerationResponse(IList<AIContent> contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        Contents = contents;
    }

    /// <summary>Gets or sets the videos, one content each.</summary>
    public IList<AIContent> Contents { get; set; } = [];

    /// <summary>Gets the address of the first video, or <see langword="null"/> when the provider returned bytes.</summary>
    public Uri? VideoUri => Contents.OfType<UriContent>().FirstOrDefault()?.Uri;

    /// <summary>Gets or sets the model that made the video (after any fallback), by the provider's name for it.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the provider that made the video: <c>UseApi</c>, <c>Velro</c> or <c>Bytez</c>.</summary>
    public string? ProviderName { get; set; }

    /// <summary>Gets or sets what did not go as asked: options the provider ignored, a model it fell back to, a reference image it could not use.</summary>
    public IList<string> Warnings { get; set; } = [];

    /// <summary>Gets or sets the provider client's own result (<c>UseApiVideoResult</c>, <c>VelroGeneration</c>, ...).</summary>
    public object? RawRepresentation { get; set; }

    /// <summary>Gets or sets anything else a generator wants to report.</summary>
    public AdditionalPropertiesDictionary? AdditionalProperties { get; set; }

    /// <summary>
    /// Gets or sets, when a <see cref="FailoverVideoGenerator"/> made the call, which of its targets served it and which
    /// were passed by, and why; <see langword="null"/> otherwise.
    /// </summary>
    public GenerationFailoverReport? Failover { get; set; }
}
