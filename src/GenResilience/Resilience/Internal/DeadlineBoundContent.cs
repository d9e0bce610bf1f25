using System.Net;
using GenResilience.Errors.Internal;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// A response body that must arrive before the request's total deadline. <see cref="HttpClient.Timeout"/> is
/// infinite (the pipeline owns the timeouts), so without this a body that stalls after the headers would hang its
/// reader forever. Reading past the deadline throws a <see cref="GenerationException"/> of kind
/// <see cref="GenerationErrorKind.Timeout"/>. Headers are those of the wrapped content.
/// </summary>
internal sealed class DeadlineBoundContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly RequestState _request;
    private readonly DateTimeOffset _deadline;
    private CancellationTokenSource? _expiry;

    public DeadlineBoundContent(HttpContent inner, RequestState request, DateTimeOffset deadline)
    {
        _inner = inner;
        _request = request;
        _deadline = deadline;
        foreach (KeyValuePair<string, IEnumerable<string>> header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        using CancellationTokenSource linked = Link(cancellationToken);
        try
        {
            Stream source = await _inner.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            await source.CopyToAsync(stream, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && Expiry.IsCancellationRequested)
        {
            throw GenerationErrors.BodyTimedOut(_request, e);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        Stream inner = await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new DeadlineStream(inner, this);
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = _inner.Headers.ContentLength ?? -1;
        return length >= 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _expiry?.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Cancelled at the deadline, on the pipeline's clock; created at the first read.</summary>
    private CancellationTokenSource Expiry
    {
        get
        {
            if (_expiry is null)
            {
                TimeSpan left = _deadline - _request.Client.TimeProvider.GetUtcNow();
                var expiry = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1), _request.Client.TimeProvider);
                if (Interlocked.CompareExchange(ref _expiry, expiry, null) is not null)
                {
                    expiry.Dispose();
                }
            }

            return _expiry!;
        }
    }

    private CancellationTokenSource Link(CancellationToken cancellationToken)
        => CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Expiry.Token);

    /// <summary>The body as a stream whose reads end at the deadline.</summary>
    private sealed class DeadlineStream(Stream inner, DeadlineBoundContent owner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using CancellationTokenSource linked = owner.Link(cancellationToken);
            try
            {
                return await inner.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && owner.Expiry.IsCancellationRequested)
            {
                throw GenerationErrors.BodyTimedOut(owner._request, e);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (owner.Expiry.IsCancellationRequested)
            {
                throw GenerationErrors.BodyTimedOut(owner._request, new OperationCanceledException(owner.Expiry.Token));
            }

            return inner.Read(buffer, offset, count);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
