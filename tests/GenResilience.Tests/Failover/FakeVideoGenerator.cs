using Microsoft.Extensions.AI;

namespace GenResilience.Tests.Failover;

/// <summary>
/// A video generator that makes a video at once, or throws the failures it was given: the next ones in order
/// (<see cref="FailNext"/>), or the same one every time (<see cref="FailAlways"/>).
/// </summary>
public sealed class FakeVideoGenerator(string provider) : IVideoGenerator
{
    private readonly Queue<Exception> _next = new();
    private readonly object _gate = new();
    private Exception? _always;
    private int _calls;

    public string Provider { get; } = provider;

    public int Calls => Volatile.Read(ref _calls);

    public bool Disposed { get; private set; }

    /// <summary>Gets or sets what a call waits for before it answers (the caller's token is passed in).</summary>
    public Func<CancellationToken, Task>? Before { get; set; }

    public FakeVideoGenerator FailNext(params Exception[] failures)
    {
        lock (_gate)
        {
            foreach (Exception failure in failures)
            {
                _next.Enqueue(failure);
            }
        }

        return this;
    }

    public FakeVideoGenerator FailAlways(Exception? failure)
    {
        lock (_gate)
        {
            _always = failure;
        }

        return this;
    }

    public async Task<VideoGenerationResponse> GenerateAsync(VideoGenerationRequest request, VideoGenerationOptions? options = null, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        int call = Interlocked.Increment(ref _calls);
        if (Before is { } before)
        {
            await before(cancellationToken);
        }

        Exception? failure;
        lock (_gate)
        {
            failure = _next.Count > 0 ? _next.Dequeue() : _always;
        }

        if (failure is not null)
        {
            throw failure;
        }

        var uri = new Uri($"https://cdn.example.com/{Provider}/{call}.mp4");
        return new VideoGenerationResponse([new UriContent(uri, "video/mp4")]) { ProviderName = Provider, ModelId = Provider + "-model", RawRepresentation = call };
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
        => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => Disposed = true;
}
