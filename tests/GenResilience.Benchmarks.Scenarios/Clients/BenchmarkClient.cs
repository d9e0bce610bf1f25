using GenResilience.Benchmarks.Server;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Benchmarks.Clients;

/// <summary>
/// One of the clients the scenarios compare: a generation request that retries the way that client does, built as an
/// app builds it (its own service provider, <see cref="IHttpClientFactory"/>, <see cref="TimeProvider.System"/>), so
/// nothing it learned (cooldowns, rates, quarantines) carries over to the next client.
/// </summary>
public abstract class BenchmarkClient : IDisposable
{
    /// <summary>The name of the <see cref="HttpClient"/> each client registers.</summary>
    public const string ClientName = "Benchmark";

    /// <summary>The name of the <see cref="HttpClient"/> each client registers.</summary>
    protected const string HttpClientName = ClientName;

    private readonly ServiceProvider _services;

    /// <summary>Initializes a new instance of the <see cref="BenchmarkClient"/> class.</summary>
    /// <param name="services">The client's registrations; the provider built from them is owned by this client.</param>
    /// <param name="attempts">The log its <see cref="AttemptLogHandler"/> writes to.</param>
    protected BenchmarkClient(IServiceCollection services, AttemptLog attempts)
    {
        ArgumentNullException.ThrowIfNull(services);
        Attempts = attempts;
        services.AddSingleton(TimeProvider.System);
        _services = services.BuildServiceProvider();
        Http = _services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
    }

    /// <summary>Gets the client's services (the app instance's container).</summary>
    public IServiceProvider Services => _services;

    /// <summary>Gets every attempt the client put on the wire.</summary>
    public AttemptLog Attempts { get; }

    /// <summary>Gets the client's <see cref="HttpClient"/>.</summary>
    protected HttpClient Http { get; }

    /// <summary>Sends one generation request and retries it as this client does.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="true"/> when the request ended with 200.</returns>
    public abstract Task<bool> GenerateAsync(CancellationToken cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Adds the <see cref="AttemptLogHandler"/> innermost, after every other handler of <paramref name="builder"/>.</summary>
    /// <param name="builder">The client's registration, complete.</param>
    /// <returns>The log the handler writes to.</returns>
    protected static AttemptLog LogAttempts(IHttpClientBuilder builder)
    {
        var log = new AttemptLog();
        builder.AddHttpMessageHandler(() => new AttemptLogHandler(log));
        return log;
    }

    /// <summary>A new generation request, as a typed client would build it.</summary>
    /// <returns>The request.</returns>
    protected static HttpRequestMessage NewGenerateRequest()
        => new(HttpMethod.Post, LoopbackProvider.GeneratePath)
        {
            Content = new StringContent("""{"prompt":"a red fox in the snow"}""", System.Text.Encoding.UTF8, "application/json"),
        };

    /// <summary>Disposes the client's <see cref="HttpClient"/> and service provider.</summary>
    /// <param name="disposing">Whether this is <see cref="Dispose()"/> rather than a finalizer.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Http.Dispose();
            _services.Dispose();
        }
    }
}
