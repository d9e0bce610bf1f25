using System.Net.Http.Headers;
using GenResilience.Benchmarks.Server;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Benchmarks.Throughput;

/// <summary>The clients the throughput scenario compares.</summary>
public enum ThroughputClientKind
{
    /// <summary>A factory <see cref="HttpClient"/> with no handler of its own, one key in its default headers.</summary>
    Plain,

    /// <summary><c>AddStandardResilienceHandler()</c> with its defaults, one key in its default headers.</summary>
    Standard,

    /// <summary><c>AddGenerationResilience()</c> with two keys and its defaults.</summary>
    GenResilience,
}

/// <summary>
/// One client of the throughput scenario, built as an app builds it (its own service provider,
/// <see cref="IHttpClientFactory"/>, <see cref="TimeProvider.System"/>), with nothing added for the benchmark: no
/// logging handler, so the only difference between the clients is their resilience.
/// </summary>
public sealed class ThroughputClient : IDisposable
{
    /// <summary>The keys of the scenario; the plain and standard clients send the first.</summary>
    public static readonly IReadOnlyList<string> Keys = ["bench-key-aaaa-1111", "bench-key-bbbb-2222"];

    private static readonly byte[] RequestBody = """{"prompt":"a red fox in the snow"}"""u8.ToArray();

    private readonly ServiceProvider _services;
    private readonly HttpClient _http;

    private ThroughputClient(ThroughputClientKind kind, ServiceProvider services)
    {
        Kind = kind;
        _services = services;
        _http = services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ThroughputClient));
    }

    /// <summary>Gets which client this is.</summary>
    public ThroughputClientKind Kind { get; }

    /// <summary>Gets how the tables name it.</summary>
    public string Name => NameOf(Kind);

    /// <summary>How the tables name a client.</summary>
    /// <param name="kind">The client.</param>
    /// <returns>Its name.</returns>
    public static string NameOf(ThroughputClientKind kind) => kind switch
    {
        ThroughputClientKind.Plain => "plain HttpClient",
        ThroughputClientKind.Standard => "AddStandardResilienceHandler()",
        _ => "AddGenerationResilience(), 2 keys",
    };

    /// <summary>Creates a client of <paramref name="endpoint"/>.</summary>
    /// <param name="kind">Which client.</param>
    /// <param name="endpoint">The endpoint's address.</param>
    /// <returns>The client.</returns>
    public static ThroughputClient Create(ThroughputClientKind kind, Uri endpoint)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        IHttpClientBuilder builder = services.AddHttpClient(nameof(ThroughputClient), c =>
        {
            c.BaseAddress = endpoint;
            if (kind != ThroughputClientKind.GenResilience)
            {
                c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Keys[0]);
            }
        });
        switch (kind)
        {
            case ThroughputClientKind.Standard:
                builder.AddStandardResilienceHandler();
                break;
            case ThroughputClientKind.GenResilience:
                builder.AddGenerationResilience(o => o.ApiKeys = [.. Keys]);
                break;
        }

        return new ThroughputClient(kind, services.BuildServiceProvider());
    }

    /// <summary>Sends one generation request (a small JSON POST) and reads its answer.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="true"/> when it ended with 200.</returns>
    public async Task<bool> SendAsync(CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(RequestBody);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, LoopbackProvider.GeneratePath) { Content = content };
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _http.Dispose();
        _services.Dispose();
    }
}
