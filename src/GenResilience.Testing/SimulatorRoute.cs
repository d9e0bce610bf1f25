namespace GenResilience.Testing;

/// <summary>
/// The scripted answers of one endpoint of a <see cref="ProviderSimulator"/>, optionally for one API key only.
/// </summary>
public sealed class SimulatorRoute
{
    private readonly object _gate = new();
    private readonly Queue<SimulatedResponse> _script = new();
    private SimulatedResponse _last = SimulatedResponse.Ok();
    private Func<SimulatedRequest, SimulatedResponse>? _handler;
    private int _hits;

    internal SimulatorRoute(string method, string path, string? apiKey)
    {
        Method = method;
        Path = path;
        ApiKey = apiKey;
    }

    /// <summary>Gets the HTTP method matched.</summary>
    public string Method { get; }

    /// <summary>Gets the path matched; a trailing <c>*</c> matches any path with that prefix.</summary>
    public string Path { get; }

    /// <summary>Gets the API key this route is limited to, or <see langword="null"/> for any key.</summary>
    public string? ApiKey { get; }

    /// <summary>Gets how many requests this route has answered.</summary>
    public int Hits
    {
        get
        {
            lock (_gate)
            {
                return _hits;
            }
        }
    }

    /// <summary>
    /// Answers the next requests in this order; once the script is spent, the last answer repeats.
    /// Replaces any earlier script.
    /// </summary>
    /// <param name="script">For example <c>CloudflareError(522), CloudflareError(522), Ok()</c>.</param>
    /// <returns>This route.</returns>
    public SimulatorRoute Reply(params SimulatedResponse[] script)
    {
        ArgumentNullException.ThrowIfNull(script);
        if (script.Length == 0)
        {
            throw new ArgumentException("Give at least one answer.", nameof(script));
        }

        lock (_gate)
        {
            _handler = null;
            _script.Clear();
            foreach (SimulatedResponse response in script)
            {
                _script.Enqueue(response);
            }

            _last = script[^1];
        }

        return this;
    }

    /// <summary>
    /// Answers every request with <paramref name="handler"/>, for endpoints whose answer depends on the request or on
    /// state (a job that progresses over polls, an account's balance). Replaces any script.
    /// </summary>
    /// <param name="handler">Computes the answer; it runs under the simulator's lock, so keep it quick.</param>
    /// <returns>This route.</returns>
    public SimulatorRoute Handle(Func<SimulatedRequest, SimulatedResponse> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _script.Clear();
            _handler = handler;
        }

        return this;
    }

    internal bool Matches(string method, string path, string? apiKey)
        => string.Equals(method, Method, StringComparison.OrdinalIgnoreCase)
            && (ApiKey is null || string.Equals(apiKey, ApiKey, StringComparison.Ordinal))
            && (Path.EndsWith('*') ? path.StartsWith(Path[..^1], StringComparison.Ordinal) : string.Equals(path, Path, StringComparison.Ordinal));

    internal SimulatedResponse Next(SimulatedRequest request)
    {
        Func<SimulatedRequest, SimulatedResponse>? handler;
        lock (_gate)
        {
            _hits++;
            if (_handler is null)
            {
                return _script.Count > 0 ? _script.Dequeue() : _last;
            }

            handler = _handler;
        }

        return handler(request);
    }
}
