namespace GenResilience;

/// <summary>What a Velro model generates (the registry's <c>type</c>).</summary>
public enum VelroModelType
{
    /// <summary>A type this version of the client does not know.</summary>
    Unknown = 0,

    /// <summary><c>image</c>: takes <see cref="VelroGenerationRequest.ImageSize"/>, <see cref="VelroGenerationRequest.NumImages"/> and <see cref="VelroGenerationRequest.OutputFormat"/>.</summary>
    Image,

    /// <summary><c>video</c>: takes <see cref="VelroGenerationRequest.Duration"/>, <see cref="VelroGenerationRequest.AspectRatio"/> and <see cref="VelroGenerationRequest.Quality"/>.</summary>
    Video,

    /// <summary><c>audio</c>.</summary>
    Audio,
}
