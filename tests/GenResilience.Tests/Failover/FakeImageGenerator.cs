using Microsoft.Extensions.AI;

namespace GenResilience.Tests.Failover;

/// <summary>An image generator that makes one image at once, or throws the failures it was given, in order.</summary>
public sealed class FakeImageGenerator(string provider) : IImageGenerator
{
    private readonly Queue<Exception> _next = new();
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public bool Disposed { get; private set; }

    public FakeImageGenerator FailNext(params Exception[] failures)
    {
        foreach (Exception failure in failures)
        {
            _next.Enqueue(failure);
        }

        return this;
    }

    public Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        int call = Interlocked.Increment(ref _calls);
        if (_next.TryDequeue(out Exception? failure))
        {
            throw failure;
        }

        var image = new UriContent(new Uri($"https://cdn.example.com/{provider}/{call}.png"), "image/png") { AdditionalProperties = new() { ["provider"] = provider } };
        return Task.FromResult(new ImageGenerationResponse([image]) { RawRepresentation = provider + " result" });
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
        => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => Disposed = true;
}
