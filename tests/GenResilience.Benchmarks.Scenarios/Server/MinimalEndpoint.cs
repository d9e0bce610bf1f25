using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenResilience.Benchmarks.Server;

/// <summary>
/// The cheapest endpoint Kestrel can serve, for the throughput scenario: a bare Kestrel on <c>127.0.0.1:0</c> (no
/// routing, no logging, no <c>Server</c> header) that answers every request with 200 and the same 16-byte JSON body,
/// written from one cached array. It only counts, without a lock: requests in all and requests per key of the
/// scenario, so a run can check that the client under test sent its keys.
/// </summary>
public sealed class MinimalEndpoint : IAsyncDisposable
{
    private static readonly byte[] Body = """{"output":"ok"}"""u8.ToArray();

    private readonly WebApplication _app;
    private readonly string[] _keys;
    private readonly long[] _perKey;
    private long _requests;
    private long _connections;

    private MinimalEndpoint(WebApplication app, Uri baseAddress, string[] keys)
    {
        _app = app;
        _keys = keys;
        _perKey = new long[keys.Length];
        BaseAddress = baseAddress;
    }

    /// <summary>Gets the address it listens on, such as <c>http://127.0.0.1:49152/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets how many connections the clients opened since it started.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Gets how many requests it answered since it started.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Starts the endpoint on a free loopback port.</summary>
    /// <param name="keys">The keys to count requests of (read from <c>Authorization: Bearer &lt;key&gt;</c>).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running endpoint; dispose it to stop it.</returns>
    public static async Task<MinimalEndpoint> StartAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        MinimalEndpoint? endpoint = null;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o =>
        {
            o.AddServerHeader = false;

            // Counts the connections the clients open: a client that kept none alive would pay a handshake per request.
            o.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Use(next => connection =>
            {
                Interlocked.Increment(ref endpoint!._connections);
                return next(connection);
            }));
        });
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.Run(context => endpoint!.AnswerAsync(context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.Single()
            ?? throw new InvalidOperationException("Kestrel started without reporting the address it listens on.");
        endpoint = new MinimalEndpoint(app, new Uri(address.TrimEnd('/') + "/"), [.. keys.Select(k => "Bearer " + k)]);
        return endpoint;
    }

    /// <summary>Gets how many requests came with each key, in the order given to <see cref="StartAsync"/>.</summary>
    /// <returns>The counts.</returns>
    public long[] RequestsPerKey() => [.. _perKey.Select((_, i) => Interlocked.Read(ref _perKey[i]))];

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private Task AnswerAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        string? authorization = context.Request.Headers.Authorization;
        for (int i = 0; i < _keys.Length; i++)
        {
            if (string.Equals(authorization, _keys[i], StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _perKey[i]);
                break;
            }
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = Body.Length;
        return context.Response.Body.WriteAsync(Body, context.RequestAborted).AsTask();
    }
}
