namespace GenResilience;

/// <summary>
/// A file to upload to UseAPI (a reference image): opened afresh for every attempt, never held in memory whole.
/// </summary>
public sealed class UseApiUpload
{
    private readonly Func<Stream> _open;

    private UseApiUpload(Func<Stream> open, string contentType, string? fileName)
    {
        _open = open;
        ContentType = contentType;
        FileName = fileName;
    }

    /// <summary>Gets the file's MIME type, sent as the body's <c>Content-Type</c>.</summary>
    public string ContentType { get; }

    /// <summary>Gets the file's name, for messages.</summary>
    public string? FileName { get; }

    /// <summary>An upload of a file on disk, re-opened for every attempt.</summary>
    /// <param name="path">The file.</param>
    /// <param name="contentType">Its MIME type; by default taken from the extension (png, jpg/jpeg, webp, gif, mp4).</param>
    /// <returns>The upload.</returns>
    /// <exception cref="ArgumentException">No MIME type was given and the extension is not known.</exception>
    public static UseApiUpload FromFile(string path, string? contentType = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string type = contentType ?? MimeTypeOf(path)
            ?? throw new ArgumentException($"The MIME type of '{Path.GetFileName(path)}' is not known from its extension; pass contentType.", nameof(contentType));
        return new UseApiUpload(() => File.OpenRead(path), type, Path.GetFileName(path));
    }

    /// <summary>An upload from a stream that <paramref name="open"/> creates afresh for every attempt.</summary>
    /// <param name="open">Opens the content; the client disposes each stream.</param>
    /// <param name="contentType">The MIME type, for example <c>image/png</c>.</param>
    /// <param name="fileName">A name for messages.</param>
    /// <returns>The upload.</returns>
    public static UseApiUpload FromStream(Func<Stream> open, string contentType, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        return new UseApiUpload(open, contentType, fileName);
    }

    /// <summary>Opens the content for one attempt.</summary>
    internal Stream Open() => _open();

    private static string? MimeTypeOf(string path) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".PNG" => "image/png",
        ".JPG" or ".JPEG" => "image/jpeg",
        ".WEBP" => "image/webp",
        ".GIF" => "image/gif",
        ".MP4" => "video/mp4",
        _ => null,
    };
}
