using System.Globalization;
using System.Net;

namespace GenResilience.Testing;

/// <summary>
/// One scripted answer of a <see cref="ProviderSimulator"/>: status, headers, body and optional latency.
/// Immutable; the <c>With…</c> methods return a copy.
/// </summary>
public sealed class SimulatedResponse
{
    private SimulatedResponse(int statusCode, string body, string contentType, IReadOnlyDictionary<string, string> headers, TimeSpan latency, TimeSpan delay = default)
    {
        StatusCode = statusCode;
        Body = body;
        ContentType = contentType;
        Headers = headers;
        Latency = latency;
        Delay = delay;
    }

    /// <summary>Gets the HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the body.</summary>
    public string Body { get; }

    /// <summary>Gets the body's content type.</summary>
    public string ContentType { get; }

    /// <summary>Gets the extra response headers.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the real (wall-clock) delay before the answer; for samples and benchmarks, not for unit tests.</summary>
    public TimeSpan Latency { get; }

    /// <summary>
    /// Gets how long after the request arrived the answer is sent, on the simulator's <see cref="ProviderSimulator.Clock"/>:
    /// a slow model on a <c>FakeTimeProvider</c>, answered when the test moves the clock past it.
    /// </summary>
    public TimeSpan Delay { get; }

    /// <summary>A JSON answer.</summary>
    /// <param name="statusCode">The status.</param>
    /// <param name="json">The body.</param>
    /// <returns>The answer.</returns>
    public static SimulatedResponse Json(int statusCode, string json) => new(statusCode, json, "application/json", new Dictionary<string, string>(), TimeSpan.Zero);

    /// <summary>A 200 JSON answer.</summary>
    /// <param name="json">The body; <c>{}</c> by default.</param>
    /// <returns>The answer.</returns>
    public static SimulatedResponse Ok(string json = "{}") => Json(200, json);

    /// <summary>An answer with any status and a plain-text body.</summary>
    /// <param name="statusCode">The status.</param>
    /// <param name="body">The body.</param>
    /// <param name="contentType">The content type.</param>
    /// <returns>The answer.</returns>
    public static SimulatedResponse Status(int statusCode, string body = "", string contentType = "text/plain") => new(statusCode, body, contentType, new Dictionary<string, string>(), TimeSpan.Zero);

    /// <summary>
    /// Cloudflare's HTML error page, as UseAPI returns it when its origin is down: 522 "Connection timed out",
    /// 523 "Origin is unreachable", 524 "A timeout occurred".
    /// </summary>
    /// <param name="statusCode">522, 523 or 524.</param>
    /// <param name="host">The host named on the page.</param>
    /// <returns>The answer.</returns>
    public static SimulatedResponse CloudflareError(int statusCode = 522, string host = "api.example.com")
    {
        string title = statusCode switch
        {
            523 => "Origin is unreachable",
            524 => "A timeout occurred",
            _ => "Connection timed out",
        };
        string html = string.Create(
            CultureInfo.InvariantCulture,
            $"<!DOCTYPE html>\n<html lang=\"en-US\">\n<head>\n<title>{title} | {host} | Cloudflare</title>\n<meta charset=\"UTF-8\" />\n</head>\n<body>\n<div id=\"cf-wrapper\"><h1><span>Error</span><span>{statusCode}</span></h1>\n<p>Ray ID: <strong>8f2c1e3b9a7d4c21</strong> &bull; Performance &amp; security by Cloudflare</p></div>\n</body>\n</html>\n");
        return new SimulatedResponse(statusCode, html, "text/html; charset=UTF-8", new Dictionary<string, string> { ["CF-Ray"] = "8f2c1e3b9a7d4c21-AMS", ["Server"] = "cloudflare" }, TimeSpan.Zero);
    }

    /// <summary>A 401 in UseAPI's dialect.</summary>
    /// <returns>The answer.</returns>
    public static SimulatedResponse Unauthorized() => Json(401, "{\"error\":\"Unauthorized\",\"code\":401}");

    /// <summary>A 429, with <c>Retry-After</c> in delta-seconds when <paramref name="retryAfter"/> is given.</summary>
    /// <param name="retryAfter">The wait to announce, in whole seconds; <see langword="null"/> sends no header.</param>
    /// <returns>The answer.</returns>
    public static SimulatedResponse RateLimited(TimeSpan? retryAfter = null)
    {
        SimulatedResponse response = Json(429, "{\"error\":\"Rate limit exceeded\",\"output\":null}");
        return retryAfter is { } wait
            ? response.WithHeader("Retry-After", ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture))
            : response;
    }

    /// <summary>A 429 with <c>Retry-After</c> as an HTTP-date.</summary>
    /// <param name="retryAt">When to come back.</param>
    /// <returns>The answer.</returns>
    public static SimulatedResponse RateLimitedUntil(DateTimeOffset retryAt)
        => Json(429, "{\"error\":\"Rate limit exceeded\",\"output\":null}").WithHeader("Retry-After", retryAt.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture));

    /// <summary>Returns a copy with one more header.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value.</param>
    /// <returns>The copy.</returns>
    public SimulatedResponse WithHeader(string name, string value)
        => new(StatusCode, Body, ContentType, new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase) { [name] = value }, Latency, Delay);

    /// <summary>Returns a copy that answers after a real delay (for samples and benchmarks; unit tests use a fake clock instead).</summary>
    /// <param name="latency">The delay.</param>
    /// <returns>The copy.</returns>
    public SimulatedResponse WithLatency(TimeSpan latency) => new(StatusCode, Body, ContentType, Headers, latency, Delay);

    /// <summary>
    /// Returns a copy that answers <paramref name="delay"/> after the request arrived, on the simulator's
    /// <see cref="ProviderSimulator.Clock"/>: with a <c>FakeTimeProvider</c>, when the test advances the clock that far.
    /// </summary>
    /// <param name="delay">The delay; zero or more.</param>
    /// <returns>The copy.</returns>
    public SimulatedResponse WithDelay(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new(StatusCode, Body, ContentType, Headers, Latency, delay);
    }

    /// <inheritdoc/>
    public override string ToString()
        => Enum.IsDefined((HttpStatusCode)StatusCode)
            ? StatusCode.ToString(CultureInfo.InvariantCulture) + " " + (HttpStatusCode)StatusCode
            : StatusCode.ToString(CultureInfo.InvariantCulture);
}
