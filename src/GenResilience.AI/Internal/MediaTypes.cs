namespace GenResilience.AI.Internal;

/// <summary>The media type of a generated file, from its address; <c>image/*</c> or <c>video/*</c> when it does not say.</summary>
internal static class MediaTypes
{
    public static string Of(Uri uri, string kind)
    {
        string path = uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString;
        return Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".PNG" => "image/png",
            ".JPG" or ".JPEG" => "image/jpeg",
            ".WEBP" => "image/webp",
            ".GIF" => "image/gif",
            ".MP4" => "video/mp4",
            ".WEBM" => "video/webm",
            ".MOV" => "video/quicktime",
            _ => kind + "/*",
        };
    }

    /// <summary>An address the provider returned, or a typed error when it returned something else.</summary>
    public static Uri Address(string? text, string provider, string operation)
        => Uri.TryCreate(text, UriKind.Absolute, out Uri? uri)
            ? uri
            : throw new GenerationException(GenerationErrorKind.Unknown, provider, $"{provider} {operation}: the service answered without an output address.")
            {
                Operation = operation,
            };
}
