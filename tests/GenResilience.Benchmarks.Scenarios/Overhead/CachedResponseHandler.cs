using System.Net;

namespace GenResilience.Benchmarks.Overhead;

/// <summary>
/// A primary handler that never leaves the process: it answers every request with the same cached 200 (empty body),
/// so what is measured is the handler chain above it. It counts what it served, to prove it is the handler in use.
/// </summary>
/// <remarks>The response is shared: callers must not dispose it (the handler does, when it is disposed).</remarks>
public sealed class CachedResponseHandler : HttpMessageHandler
{
    private readonly HttpResponseMessage _response = new(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
    private readonly Task<HttpResponseMessage> _answer;
    private int _served;

    /// <summary>Initializes a new instance of the <see cref="CachedResponseHandler"/> class.</summary>
    public CachedResponseHandler()
    {
        _answer = Task.FromResult(_response);
    }

    /// <summary>Gets how many requests this handler answered.</summary>
    public int Served => Volatile.Read(ref _served);

    /// <inheritdoc/>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _served);
        return _answer;
    }

    /// <inheritdoc/>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _served);
        return _response;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _response.Dispose();
        }

        base.Dispose(disposing);
    }
}
