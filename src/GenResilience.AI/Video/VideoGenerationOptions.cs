using Microsoft.Extensions.AI;

namespace GenResilience;

/// <summary>
/// How to make a video, shaped like Microsoft.Extensions.AI's <c>ImageGenerationOptions</c>. A provider ignores what
/// it cannot honour and says so in <see cref="VideoGenerationResponse.Warnings"/>; what has no property here goes in
/// <see cref="AdditionalProperties"/> under the provider's own parameter name.
/// </summary>
public class VideoGenerationOptions
{
    /// <summary>Initializes a new instance of the <see cref="VideoGenerationOptions"/> class.</summary>
    public VideoGenerationOptions()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VideoGenerationOptions"/> class with the values of <paramref name="other"/>.</summary>
    /// <param name="other">The options to copy; <see langword="null"/> for none.</param>
    protected VideoGenerationOptions(VideoGenerationOptions? other)
    {
        if (other is null)
        {
            return;
        }

        ModelId = other.ModelId;
        Duration = other.Duration;
        AspectRatio = other.AspectRatio;
        Resolution = other.Resolution;
        Seed = other.Seed;
        Count = other.Count;
        AdditionalProperties = other.AdditionalProperties?.Clone();
    }

    /// <summary>Gets or sets the model, overriding the generator's own; <see langword="null"/> for the generator's.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the video's length; providers round to the lengths they offer.</summary>
    public TimeSpan? Duration { get; set; }

    /// <summary>Gets or sets the aspect ratio: <c>16:9</c>, <c>9:16</c>, <c>1:1</c>, ...</summary>
    public string? AspectRatio { get; set; }

    /// <summary>Gets or sets the resolution: <c>720p</c>, <c>1080p</c>, ...</summary>
    public string? Resolution { get; set; }

    /// <summary>Gets or sets the seed, for repeatable results where the provider supports it.</summary>
    public long? Seed { get; set; }

    /// <summary>Gets or sets how many videos to make, where the provider supports more than one.</summary>
    public int? Count { get; set; }

    /// <summary>Gets or sets provider parameters that have no property here, by the provider's own name.</summary>
    public AdditionalPropertiesDictionary? AdditionalProperties { get; set; }

    /// <summary>Returns a copy: a generator that changes options changes a copy, never the caller's.</summary>
    /// <returns>The copy.</returns>
    public virtual VideoGenerationOptions Clone() => new(this);
}
