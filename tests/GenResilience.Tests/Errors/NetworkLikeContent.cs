using System.Net;

namespace GenResilience.Tests.Errors;

/// <summary>
/// A response body as it arrives from the network: one stream, read once, not seekable, never buffered. It is
/// <c>head</c> followed by spaces up to <c>length</c> bytes, so a JSON head stays valid JSON however long the body.
/// Counts the bytes read from it.
/// </summary>
internal sealed class NetworkLikeContent(byte[] head, long length) : HttpContent
{
    private readonly CountingStream _stream = new(head, length);

    public NetworkLikeContent(byte[] body)
        : this(body, body.Length)
    {
    }

    /// <summary>Gets how many bytes have been read from the body so far.</summary>
    public long BytesRead => _stream.Position;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _stream.CopyToAsync(stream);

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(_stream);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stream.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class CountingStream(byte[] head, long length) : Stream
    {
        private long _position;
        private bool _disposed;

        public override bool CanRead => !_disposed;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int n = (int)Math.Min(buffer.Length, length - _position);
            for (int i = 0; i < n; i++)
            {
                long at = _position + i;
                buffer[i] = at < head.Length ? head[at] : (byte)' ';
            }

            _position += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _disposed = true;
            base.Dispose(disposing);
        }
    }
}
