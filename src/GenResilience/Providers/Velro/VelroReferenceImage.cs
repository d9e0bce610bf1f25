using GenResilience.Providers.Velro.Internal;

namespace GenResilience;

/// <summary>
/// A reference image to upload with a generation (the <c>reference_image</c> file part). The content is opened afresh
/// for every attempt, so a retry sends it whole, and it is never read into memory to make that possible.
/// </summary>
public sealed class VelroReferenceImage
{
    private static readonly Dictionary<string, string> ImageTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".webp"] = "image/webp",
        [".gif"] = "image/gif",
        [".bmp"] = "image/bmp",
        [".tif"] = "image/tiff",
        [".tiff"] = "image/tiff",
        [".heic"] = "image/heic",
        [".avif"] = "image/avif",
    };

    private readonly Func<Stream>? _open;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly string? _path;
    private readonly long? _length;

    private VelroReferenceImage(string fileName, string contentType, string? path, Func<Stream>? open, ReadOnlyMemory<byte> bytes, long? length)
    {
        FileName = fileName;
        ContentType = contentType;
        _path = path;
        _open = open;
        _bytes = bytes;
        _length = length;
    }

    /// <summary>The largest reference image Velro accepts: 20 MB (20 × 1024 × 1024 bytes).</summary>
    public const long MaxBytes = VelroConstants.MaxReferenceImageBytes;

    /// <summary>Gets the file name sent with the part.</summary>
    public string FileName { get; }

    /// <summary>Gets the content type sent with the part; Velro accepts <c>image/*</c> only.</summary>
    public string ContentType { get; }

    /// <summary>
    /// A file on disk, opened for each attempt. Its size is checked when the request is validated.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="contentType">The content type; by default from the extension (<c>.png</c>, <c>.jpg</c>, <c>.webp</c>, ...), or <c>application/octet-stream</c>, which Velro refuses.</param>
    /// <returns>The reference image.</returns>
    public static VelroReferenceImage FromFile(string path, string? contentType = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath = Path.GetFullPath(path);
        return new VelroReferenceImage(Path.GetFileName(fullPath), contentType ?? ContentTypeOf(fullPath), fullPath, open: null, ReadOnlyMemory<byte>.Empty, length: null);
    }

    /// <summary>Bytes already in memory (they are sent as they are, not copied).</summary>
    /// <param name="content">The image.</param>
    /// <param name="fileName">The file name to send, for example <c>fox.png</c>.</param>
    /// <param name="contentType">The content type; by default from the file name's extension.</param>
    /// <returns>The reference image.</returns>
    public static VelroReferenceImage FromBytes(ReadOnlyMemory<byte> content, string fileName, string? contentType = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        return new VelroReferenceImage(fileName, contentType ?? ContentTypeOf(fileName), path: null, open: null, content, content.Length);
    }

    /// <summary>
    /// A stream opened for each attempt, for content that lives elsewhere (blob storage, say).
    /// </summary>
    /// <param name="openStream">Opens a fresh stream positioned at the start of the image; the client disposes it.</param>
    /// <param name="length">The image's size in bytes, checked against <see cref="MaxBytes"/> before anything is sent.</param>
    /// <param name="fileName">The file name to send.</param>
    /// <param name="contentType">The content type; by default from the file name's extension.</param>
    /// <returns>The reference image.</returns>
    public static VelroReferenceImage FromStream(Func<Stream> openStream, long length, string fileName, string? contentType = null)
    {
        ArgumentNullException.ThrowIfNull(openStream);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        return new VelroReferenceImage(fileName, contentType ?? ContentTypeOf(fileName), path: null, openStream, ReadOnlyMemory<byte>.Empty, length);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{FileName} ({ContentType})";

    /// <summary>The size to check, or why it cannot be known.</summary>
    internal long? GetLength(out string? problem)
    {
        problem = null;
        if (_path is null)
        {
            return _length;
        }

        try
        {
            var file = new FileInfo(_path);
            if (!file.Exists)
            {
                problem = $"the file '{_path}' does not exist";
                return null;
            }

            return file.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            problem = $"the file '{_path}' cannot be read ({e.Message})";
            return null;
        }
    }

    /// <summary>A fresh content for one attempt; the caller (the request's content) disposes it.</summary>
    internal HttpContent CreateContent()
    {
        HttpContent content = _path is not null
            ? new StreamContent(new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 81920, FileOptions.Asynchronous | FileOptions.SequentialScan), 81920)
            : _open is not null
                ? new StreamContent(_open() ?? throw new InvalidOperationException($"The stream factory of the reference image '{FileName}' returned null."))
                : new ReadOnlyMemoryContent(_bytes);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(ContentType, out var type) ? type : null;
        return content;
    }

    private static string ContentTypeOf(string fileName)
        => ImageTypes.TryGetValue(Path.GetExtension(fileName), out string? type) ? type : "application/octet-stream";
}
