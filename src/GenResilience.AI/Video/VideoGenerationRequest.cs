using Microsoft.Extensions.AI;

namespace GenResilience;

/// <summary>What to make: a prompt and an optional reference (start) image.</summary>
public sealed class VideoGenerationRequest
{
    /// <summary>Initializes a new instance of the <see cref="VideoGenerationRequest"/> class.</summary>
    public VideoGenerationRequest()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VideoGenerationRequest"/> class.</summary>
    /// <param name="prompt">What the video shows.</param>
    /// <param name="referenceImage">An optional start image: <see cref="DataContent"/> (bytes) or <see cref="UriContent"/> (an address).</param>
    public VideoGenerationRequest(string prompt, AIContent? referenceImage = null)
    {
        Prompt = prompt;
        ReferenceImage = referenceImage;
    }

    /// <summary>Gets or sets what the video shows.</summary>
    public string? Prompt { get; set; }

    /// <summary>
    /// Gets or sets an optional start image: <see cref="DataContent"/> with the image's bytes and media type, or
    /// <see cref="UriContent"/> with its address. Each provider's page says which form it takes.
    /// </summary>
    public AIContent? ReferenceImage { get; set; }
}
