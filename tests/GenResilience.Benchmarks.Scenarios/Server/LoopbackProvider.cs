using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenResilience.Benchmarks.Server;

/// <summary>
/// A generation API on loopback for the benchmarks: a bare Kestrel on <c>127.0.0.1:0</c> that reads the key from
/// <c>Authorization: Bearer &lt;key&gt;</c>, answers a revoked key with 401, a key over its plan with 429 and
/// <c>Retry-After</c>, and anything else with 200; and logs every request it answered. Nothing else runs in it
/// (no routing, no logging), so its own cost stays out of the figures.
/// </summary>
public sealed class LoopbackProvider : IAsyncDisposable
{
    /// <summary>The path the clients call for a generation.</summary>
    public const string GeneratePath = "/v1/generate";

    /// <summary>The cheap authenticated path of a key check.</summary>
    public const string AccountPath = "/v2/account";

    private static readonly byte[] OkBody = """{"output":"https://cdn.example.com/1.png"}"""u8.ToArray();
    private static readonly byte[] UnauthorizedBody = """{"error":"Unauthorized"}"""u8.ToArray();
    private static readonly byte[] RateLimitedBody = """{"error":"Rate limit exceeded"}"""u8.ToArray();

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly Dictionary<string, KeyTokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly List<ServedRequest> _log = [];
    private ProviderRules _rules = ProviderRules.Open;
    private string _retryAfter = "1";
    private long _epoch = TimeProvider.System.GetTimestamp();

    private LoopbackProvider(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Gets the address the provider listens on, such as <c>http://127.0.0.1:49152/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets every request answered since the last <see cref="Reset"/>, in the order they arrived.</summary>
    public IReadOnlyList<ServedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>Starts a provider on a free loopback port, with <see cref="ProviderRules.Open"/> rules.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running provider; dispose it to stop it.</returns>
    public static async Task<LoopbackProvider> StartAsync(CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();

        LoopbackProvider? provider = null;
        app.Run(context => provider!.AnswerAsync(context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.Single()
            ?? throw new InvalidOperationException("Kestrel started without reporting the address it listens on.");
        provider = new LoopbackProvider(app, new Uri(address.TrimEnd('/') + "/"));
        return provider;
    }

    /// <summary>Forgets every key's bucket and every logged request, and starts answering by <paramref name="rules"/>.</summary>
    /// <param name="rules">How to answer from now on.</param>
    public void Reset(ProviderRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        lock (_gate)
        {
            _rules = rules;
            _retryAfter = rules.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            _buckets.Clear();
            _log.Clear();
            _epoch = TimeProvider.System.GetTimestamp();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static string? ReadKey(HttpRequest request)
    {
        string? authorization = request.Headers.Authorization;
        const string Scheme = "Bearer ";
        return authorization is not null && authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? authorization[Scheme.Length..].Trim()
            : null;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        string? key = ReadKey(context.Request);
        string path = context.Request.Path.Value ?? "/";
        int status;
        string retryAfter;

        // Logged before the answer is written: once a client has its answer, the log already holds the request.
        lock (_gate)
        {
            TimeSpan arrivedAt = TimeProvider.System.GetElapsedTime(_epoch);
            status = Decide(key, arrivedAt);
            retryAfter = _retryAfter;
            _log.Add(new ServedRequest(arrivedAt, path, key, status));
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        byte[] body = status switch
        {
            StatusCodes.Status200OK => OkBody,
            StatusCodes.Status429TooManyRequests => RateLimitedBody,
            _ => UnauthorizedBody,
        };
        if (status == StatusCodes.Status429TooManyRequests)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private int Decide(string? key, TimeSpan now)
    {
        if (key is null || _rules.RevokedKeys.Contains(key))
        {
            return StatusCodes.Status401Unauthorized;
        }

        if (_rules.RequestsPerSecondPerKey is not { } rate)
        {
            return StatusCodes.Status200OK;
        }

        if (!_buckets.TryGetValue(key, out KeyTokenBucket? bucket))
        {
            bucket = new KeyTokenBucket(rate, _rules.BucketCapacity, now);
            _buckets[key] = bucket;
        }

        return bucket.TryTake(now) ? StatusCodes.Status200OK : StatusCodes.Status429TooManyRequests;
    }
}
