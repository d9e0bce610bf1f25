using System.Net;

namespace GenResilience.Errors.Internal;

/// <summary>
/// A response body whose start <see cref="ErrorBodyReader"/> has taken from a stream that can be read only once: the
/// bytes it took, then the rest of that stream, under the original content headers. Read once, like the original.
/// </summary>
internal sealed class PrefixedContent : HttpContent
{
    private readonly HttpContent _original;
    private Stream? _rest;

    /// <param name="original">The content read from; disposed with this one.</param>
    /// <param name="prefix">The bytes already read.</param>
    /// <param name="rest">The stream the prefix was read from, positioned after it; <see langword="null"/> when the prefix is the whole body.</param>
    public PrefixedContent(HttpContent original, byte[] prefix, Stream? rest)
    {
        _original = original;
        _rest = rest;
        Prefix = prefix;
        IsWholeBody = rest is null;
        foreach (KeyValuePair<string, IEnumerable<string>> header in original.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    public byte[] Prefix { get; }

    public bool IsWholeBody { get; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Stream? rest = TakeRest();
        await stream.WriteAsync(Prefix, cancellationToken).ConfigureAwait(false);
        if (rest is not null)
        {
            await rest.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Stream? rest = TakeRest();
        stream.Write(Prefix);
        rest?.CopyTo(stream);
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult(CreateContentReadStream(CancellationToken.None));

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken)
        => TakeRest() is { } rest ? new PrefixedStream(Prefix, rest) : new MemoryStream(Prefix, writable: false);

    protected override bool TryComputeLength(out long length)
    {
        // Whatever the original declared was copied with its headers.
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _original.Dispose();
        }

        base.Dispose(disposing);
    }

    private Stream? TakeRest()
    {
        if (IsWholeBody)
        {
            return null;
        }

        Stream? rest = Interlocked.Exchange(ref _rest, null);
        return rest ?? throw new InvalidOperationException("The response body was already read; a body that arrives as a stream can be read only once.");
    }
}
