using System.Text;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace GenResilience.Testing;

/// <summary>
/// A provider API on loopback (a WireMock.Net server on 127.0.0.1) that answers from scripts: per endpoint
/// (<c>522, 522, 200</c>), per API key (key A gets 401), 429 with or without <c>Retry-After</c>, Cloudflare's HTML
/// pages and latency. It records every request it receives.
/// </summary>
/// <example>
/// <code>
/// using var simulator = ProviderSimulator.Start();
/// simulator.On(HttpMethod.Post, "/models/v2/stabilityai/sdxl").Reply(
///     SimulatedResponse.CloudflareError(522), SimulatedResponse.CloudflareError(522), SimulatedResponse.Ok("{\"output\":\"https://cdn.example.com/1.png\"}"));
/// simulator.On(HttpMethod.Post, "/models/v2/stabilityai/sdxl", apiKey: "test-key-revoked").Reply(SimulatedResponse.Unauthorized());
/// </code>
/// </example>
public sealed class ProviderSimulator : IDisposable
{
    private readonly WireMockServer _server;
    private readonly object _gate = new();
    private readonly List<SimulatorRoute> _routes = [];
    private readonly List<SimulatedRequest> _requests = [];
    private readonly string _apiKeyHeaderName;
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private KeyRateLimit? _rateLimit;
    private int _rateLimited;

    private ProviderSimulator(string apiKeyHeaderName)
    {
        _apiKeyHeaderName = apiKeyHeaderName;
        _server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = ["http://127.0.0.1:0"],
            StartAdminInterface = false,
            ReadStaticMappings = false,
        });
        _server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithCallback(AnswerAsync));
        BaseAddress = new Uri(_server.Urls[0].TrimEnd('/') + "/");
    }

    /// <summary>Gets the address the simulator listens on, for example <c>http://127.0.0.1:49152/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets or sets the answer to a request that no route matches.</summary>
    /// <value>A 404 with <c>{"error":"Not found","code":404}</c>.</value>
    public SimulatedResponse Unmatched { get; set; } = SimulatedResponse.Json(404, "{\"error\":\"Not found\",\"code\":404}");

    /// <summary>
    /// Gets or sets the clock that stamps <see cref="SimulatedRequest.ReceivedAt"/> and drives
    /// <see cref="LimitRatePerKey"/>: the test's <c>FakeTimeProvider</c>, or the system clock.
    /// </summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Gets how many requests the per-key rate limit (<see cref="LimitRatePerKey"/>) answered with 429.</summary>
    public int RateLimitedCount
    {
        get
        {
            lock (_gate)
            {
                return _rateLimited;
            }
        }
    }

    /// <summary>
    /// Limits every API key to <paramref name="requestsPerSecond"/>, the way a provider's plan does: a token bucket per key
    /// that holds <paramref name="burst"/> requests, and beyond it a 429 with <c>Retry-After</c> before any route is consulted.
    /// Time comes from <see cref="Clock"/>.
    /// </summary>
    /// <param name="requestsPerSecond">The rate each key is admitted at; more than zero.</param>
    /// <param name="burst">How many requests a key may send at once; at least one.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> of the 429s, in whole seconds; one second by default.</param>
    /// <returns>This simulator.</returns>
    public ProviderSimulator LimitRatePerKey(double requestsPerSecond, int burst = 1, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(requestsPerSecond, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        lock (_gate)
        {
            _rateLimit = new KeyRateLimit(requestsPerSecond, burst, SimulatedResponse.RateLimited(retryAfter ?? TimeSpan.FromSeconds(1)));
        }

        return this;
    }

    /// <summary>Gets every request received so far, in order.</summary>
    public IReadOnlyList<SimulatedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>
    /// Starts a simulator on a free loopback port.
    /// </summary>
    /// <param name="apiKeyHeaderName">The header the simulated API reads keys from; <c>Authorization</c> by default.</param>
    /// <returns>The running simulator; dispose it to stop it.</returns>
    public static ProviderSimulator Start(string apiKeyHeaderName = "Authorization") => new(apiKeyHeaderName);

    /// <summary>
    /// Gets the route for an endpoint, for any key. The most specific route answers: one for the request's key
    /// (<see cref="On(HttpMethod, string, string)"/>) before one for any key, an exact path before a <c>*</c> prefix,
    /// a longer prefix before a shorter one; so a test can script one endpoint of a simulator that answers
    /// <c>/*</c>.
    /// </summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path; a trailing <c>*</c> matches any path with that prefix.</param>
    /// <returns>The route, to script with <see cref="SimulatorRoute.Reply"/>.</returns>
    public SimulatorRoute On(HttpMethod method, string path) => GetOrAddRoute(method, path, apiKey: null);

    /// <summary>
    /// Gets the route for an endpoint when called with one API key.
    /// </summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path; a trailing <c>*</c> matches any path with that prefix.</param>
    /// <param name="apiKey">The key, as the client sends it after its scheme.</param>
    /// <returns>The route, to script with <see cref="SimulatorRoute.Reply"/>.</returns>
    public SimulatorRoute On(HttpMethod method, string path, string apiKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        return GetOrAddRoute(method, path, apiKey);
    }

    /// <summary>Gets the requests received for one path.</summary>
    /// <param name="path">The exact path.</param>
    /// <returns>The requests, in order.</returns>
    public IReadOnlyList<SimulatedRequest> RequestsTo(string path) => [.. Requests.Where(r => r.Path == path)];

    /// <summary>
    /// Waits until the simulator has received at least <paramref name="count"/> requests in all.
    /// </summary>
    /// <param name="count">The number of requests to wait for.</param>
    /// <param name="timeout">How long to wait on the real clock; 10 seconds by default.</param>
    /// <returns>The requests received.</returns>
    /// <exception cref="TimeoutException">Fewer requests came in time.</exception>
    public async Task<IReadOnlyList<SimulatedRequest>> WaitForRequestsAsync(int count, TimeSpan? timeout = null)
    {
        using var expiry = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task received;
            lock (_gate)
            {
                if (_requests.Count >= count)
                {
                    return [.. _requests];
                }

                received = _received.Task;
            }

            try
            {
                await received.WaitAsync(expiry.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The simulator received {Requests.Count} requests, not {count}.");
            }
        }
    }

    /// <summary>Stops the server; answers still waiting for their <see cref="SimulatedResponse.Delay"/> are dropped.</summary>
    public void Dispose()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _stopping.Cancel();
        _server.Stop();
        _stopping.Dispose();
    }

    private SimulatorRoute GetOrAddRoute(HttpMethod method, string path, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentException.ThrowIfNullOrEmpty(path);
        lock (_gate)
        {
            SimulatorRoute? route = _routes.FirstOrDefault(r => r.Method == method.Method && r.Path == path && r.ApiKey == apiKey);
            if (route is null)
            {
                route = new SimulatorRoute(method.Method, path, apiKey);
                _routes.Add(route);
            }

            return route;
        }
    }

    private async Task<IResponseMessage> AnswerAsync(IRequestMessage request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, WireMockList<string>> header in request.Headers ?? new Dictionary<string, WireMockList<string>>())
        {
            headers[header.Key] = string.Join(", ", header.Value);
        }

        string? apiKey = headers.TryGetValue(_apiKeyHeaderName, out string? raw) ? ParseKey(raw) : null;
        byte[] body = request.BodyAsBytes ?? (request.Body is { } text ? Encoding.UTF8.GetBytes(text) : []);

        SimulatedResponse answer;
        TaskCompletionSource received;
        DateTimeOffset now;
        lock (_gate)
        {
            now = Clock.GetUtcNow();
            var seen = new SimulatedRequest(_requests.Count + 1, request.Method, request.Path, request.RawQuery ?? string.Empty, headers, body, apiKey, now);
            if (_rateLimit is { } limit && !limit.TryTake(apiKey ?? string.Empty, now))
            {
                answer = limit.Refusal;
                _rateLimited++;
            }
            else
            {
                answer = Route(request.Method, request.Path, apiKey)?.Next(seen) ?? Unmatched;
            }

            seen.Response = answer;
            _requests.Add(seen);
            received = _received;
            _received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        received.TrySetResult();

        if (answer.Latency > TimeSpan.Zero)
        {
            await Task.Delay(answer.Latency).ConfigureAwait(false);
        }

        // Measured from the arrival, so a test that moves the clock before this line still gets the answer on time.
        TimeSpan delay = now + answer.Delay - Clock.GetUtcNow();
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, Clock, _stopping.Token).ConfigureAwait(false);
        }

        var response = new ResponseMessage
        {
            StatusCode = answer.StatusCode,
            BodyData = new BodyData { BodyAsString = answer.Body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
        response.AddHeader("Content-Type", answer.ContentType);
        foreach (KeyValuePair<string, string> header in answer.Headers)
        {
            response.AddHeader(header.Key, header.Value);
        }

        return response;
    }

    /// <summary>
    /// The most specific route for a request: one for its key before one for any key, an exact path before a
    /// <c>*</c> prefix, a longer prefix before a shorter one, and the first registered among equals.
    /// </summary>
    private SimulatorRoute? Route(string method, string path, string? apiKey)
    {
        SimulatorRoute? best = null;
        foreach (SimulatorRoute route in _routes)
        {
            if (route.Matches(method, path, apiKey) && (best is null || Specificity(route) > Specificity(best)))
            {
                best = route;
            }
        }

        return best;

        static int Specificity(SimulatorRoute route)
            => (route.ApiKey is null ? 0 : 1 << 30) + (route.Path.EndsWith('*') ? 0 : 1 << 29) + route.Path.Length;
    }

    private static string ParseKey(string value)
    {
        int space = value.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && value[..space] is "Bearer" or "Key" or "Token" ? value[(space + 1)..].Trim() : value.Trim();
    }

    /// <summary>A token bucket per key; guarded by the simulator's lock.</summary>
    private sealed class KeyRateLimit(double rate, int burst, SimulatedResponse refusal)
    {
        private readonly Dictionary<string, (double Tokens, DateTimeOffset At)> _buckets = new(StringComparer.Ordinal);

        public SimulatedResponse Refusal { get; } = refusal;

        public bool TryTake(string key, DateTimeOffset now)
        {
            (double tokens, DateTimeOffset at) = _buckets.TryGetValue(key, out var bucket) ? bucket : (burst, now);
            tokens = Math.Min(burst, tokens + (Math.Max(0, (now - at).TotalSeconds) * rate));
            bool admitted = tokens >= 1 - 1e-9;
            _buckets[key] = (admitted ? tokens - 1 : tokens, now);
            return admitted;
        }
    }
}
