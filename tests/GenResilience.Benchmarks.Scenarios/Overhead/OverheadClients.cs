using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Benchmarks.Overhead;

/// <summary>
/// The four clients of the overhead benchmark, registered as an app registers them (one service provider,
/// <see cref="IHttpClientFactory"/>), each with its primary handler replaced by a <see cref="CachedResponseHandler"/>
/// after the resilience registration, as a test would. <see cref="VerifyAsync"/> proves the replacement took.
/// </summary>
public sealed class OverheadClients : IDisposable
{
    /// <summary>The path every request goes to.</summary>
    public const string Path = "/v1/generate";

    private static readonly Uri BaseAddress = new("http://provider.invalid/");

    private readonly ServiceProvider _services;
    private readonly Dictionary<OverheadClient, CachedResponseHandler> _handlers = [];

    /// <summary>Initializes a new instance of the <see cref="OverheadClients"/> class.</summary>
    public OverheadClients()
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        foreach (OverheadClient client in Enum.GetValues<OverheadClient>())
        {
            var handler = new CachedResponseHandler();
            _handlers[client] = handler;
            IHttpClientBuilder builder = services.AddHttpClient(client.ToString(), c => c.BaseAddress = BaseAddress);
            switch (client)
            {
                case OverheadClient.Standard:
                    builder.AddStandardResilienceHandler();
                    break;
                case OverheadClient.GenResilienceNoKeys:
                    builder.AddGenerationResilience();
                    break;
                case OverheadClient.GenResilienceTwoKeys:
                    builder.AddGenerationResilience(o => o.ApiKeys = ["bench-key-aaaa-1111", "bench-key-bbbb-2222"]);
                    break;
            }

            // Last, so it wins over the SocketsHttpHandler that AddGenerationResilience configures. One handler chain for
            // the whole run: no rotation in the middle of a measurement.
            builder.ConfigurePrimaryHttpMessageHandler(() => handler).SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        }

        _services = services.BuildServiceProvider();
    }

    /// <summary>Gets the client's <see cref="HttpClient"/> from the factory.</summary>
    /// <param name="client">Which client.</param>
    /// <returns>The client.</returns>
    public HttpClient Create(OverheadClient client) => _services.GetRequiredService<IHttpClientFactory>().CreateClient(client.ToString());

    /// <summary>Gets how many requests the client's in-memory handler served.</summary>
    /// <param name="client">Which client.</param>
    /// <returns>The count.</returns>
    public int Served(OverheadClient client) => _handlers[client].Served;

    /// <summary>Sends one request through <paramref name="http"/>, as the benchmark does.</summary>
    /// <param name="http">A client from <see cref="Create"/>.</param>
    /// <returns>The status code.</returns>
    public static async Task<HttpStatusCode> SendAsync(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);

        // The cached response belongs to the handler: not disposed here.
        HttpResponseMessage response = await http.SendAsync(request).ConfigureAwait(false);
        return response.StatusCode;
    }

    /// <summary>
    /// Sends one request through each client and checks that its own in-memory handler answered it with 200, so the
    /// benchmark never measures a SocketsHttpHandler trying to reach <c>provider.invalid</c>.
    /// </summary>
    /// <returns>A task that completes when every client passed.</returns>
    /// <exception cref="InvalidOperationException">A client's request did not reach its in-memory handler.</exception>
    public async Task VerifyAsync()
    {
        foreach (OverheadClient client in Enum.GetValues<OverheadClient>())
        {
            using HttpClient http = Create(client);
            int before = Served(client);
            HttpStatusCode status = await SendAsync(http).ConfigureAwait(false);
            if (status != HttpStatusCode.OK || Served(client) != before + 1)
            {
                throw new InvalidOperationException($"{client}: the request was answered {status} and the in-memory handler served {Served(client) - before}; it is not the primary handler in use.");
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _services.Dispose();
        foreach (CachedResponseHandler handler in _handlers.Values)
        {
            handler.Dispose();
        }
    }
}
