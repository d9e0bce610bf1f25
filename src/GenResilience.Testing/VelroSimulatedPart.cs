using System.Text;

namespace GenResilience.Testing;

/// <summary>
/// One part of a multipart form that a <see cref="VelroSimulator"/> received: a field, or a file.
/// </summary>
public sealed class VelroSimulatedPart
{
    internal VelroSimulatedPart(string name, string? fileName, string? contentType, byte[] content)
    {
        Name = name;
        FileName = fileName;
        ContentType = contentType;
        Content = content;
    }

    /// <summary>Gets the part's name, for example <c>model_id</c> or <c>reference_image</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the file name of a file part; <see langword="null"/> for a field.</summary>
    public string? FileName { get; }

    /// <summary>Gets the part's content type, when it had one.</summary>
    public string? ContentType { get; }

    /// <summary>Gets the part's bytes.</summary>
    public IReadOnlyList<byte> Content { get; }

    /// <summary>Gets the part's content as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Content is byte[] bytes ? bytes : [.. Content]);

    /// <inheritdoc/>
    public override string ToString() => FileName is null ? $"{Name}={Text}" : $"{Name}: file {FileName} ({ContentType}, {Content.Count} bytes)";
}
