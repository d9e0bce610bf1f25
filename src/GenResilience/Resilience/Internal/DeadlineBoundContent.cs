using System.Net;
using System.Net.Http.Headers;
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

        // The values as they came, without parsing them here: whoever reads a header parses it, as from the inner content.
        foreach (KeyValuePair<string, HeaderStringValues> header in inner.Headers.NonValidated)
        {
            if (header.Value.Count == 1)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value.ToString());
            }
            else
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }

    /// <remarks>
    /// The whole body in one go (<see cref="HttpClient"/> buffering it, <see cref="HttpContent.CopyToAsync(Stream)"/>).
    /// This runs for every buffered answer, and a small body has usually arrived with the headers: then the copy ends
    /// at once and nothing can stall, so the deadline's timer is set only when the copy has to wait for the network,
    /// for the time left until the deadline (the deadline itself does not move).
    /// </remarks>
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        using var bound = new CancellationTokenSource();
        using CancellationTokenRegistration caller = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), bound);
        ITimer? expiry = null;
        try
        {
            Task copy = CopyAsync(stream, bound.Token);
            if (!copy.IsCompleted)
            {
                expiry = _request.Client.TimeProvider.CreateTimer(static source => CancelQuietly((CancellationTokenSource)source!), bound, TimeLeft(), Timeout.InfiniteTimeSpan);
            }

            await copy.ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && bound.IsCancellationRequested)
        {
            throw GenerationErrors.BodyTimedOut(_request, e);
        }
        finally
        {
            expiry?.Dispose();
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
                var expiry = new CancellationTokenSource(TimeLeft(), _request.Client.TimeProvider);
                if (Interlocked.CompareExchange(ref _expiry, expiry, null) is not null)
                {
                    expiry.Dispose();
                }
            }

            return _expiry!;
        }
    }

    /// <summary>The time left until the deadline, on the pipeline's clock; a tick when it has passed.</summary>
    private TimeSpan TimeLeft()
    {
        TimeSpan left = _deadline - _request.Client.TimeProvider.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1);
    }

    /// <summary>A timer may fire while the copy it bounds is ending and disposing its source.</summary>
    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task CopyAsync(Stream stream, CancellationToken cancellationToken)
    {
        Stream source = await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
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
