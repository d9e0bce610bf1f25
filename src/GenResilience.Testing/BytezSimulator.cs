using System.Globalization;
using System.Text.Json;

namespace GenResilience.Testing;

/// <summary>
/// The Bytez API on loopback, built on a <see cref="ProviderSimulator"/>: keys with states (valid, unauthorized 403,
/// out of credits 402), models that take time to run on the simulator's <see cref="Clock"/>, a per-key concurrency
/// limit that answers 429 above it (as Bytez's plans do), cold starts, scripted answers such as error envelopes inside
/// a 200, and the model list.
/// </summary>
/// <example>
/// <code>
/// using var bytez = BytezSimulator.Start()
///     .WithKey("test-key-revoked", BytezKeyState.Unauthorized)
///     .WithKey("test-key-good")
///     .WithModel(BytezSimulator.ImageModel, "text-to-image", runTime: TimeSpan.FromSeconds(40));
/// bytez.Clock = fakeTimeProvider;
/// bytez.ConcurrencyLimitPerKey = 1;                  // the free plan: one run at a time, 429 above it
/// bytez.Script(BytezSimulator.ImageModel, BytezSimulator.QuotaExceeded());   // the next run: an error inside a 200
/// </code>
/// </example>
public sealed class BytezSimulator : IDisposable
{
    /// <summary>A text-to-image model the simulator knows from the start.</summary>
    public const string ImageModel = "stabilityai/stable-diffusion-xl-base-1.0";

    /// <summary>A second text-to-image model the simulator knows from the start.</summary>
    public const string FastImageModel = "stabilityai/sdxl-turbo";

    /// <summary>A text-to-video model the simulator knows from the start.</summary>
    public const string VideoModel = "ali-vilab/text-to-video-ms-1.7b";

    /// <summary>A chat model the simulator knows from the start.</summary>
    public const string ChatModel = "Qwen/Qwen2.5-1.5B-Instruct";

    private const string ApiPrefix = "/models/v2/";

    private readonly object _gate = new();
    private readonly Dictionary<string, BytezKeyState> _keys = new(StringComparer.Ordinal);
    private readonly List<Model> _models = [];
    private readonly Dictionary<string, List<DateTimeOffset>> _running = new(StringComparer.Ordinal);
    private int _peak;
    private int _refused;
    private int _outputs;

    private BytezSimulator(ProviderSimulator server)
    {
        Server = server;
        Server.On(HttpMethod.Get, ApiPrefix + "list/models").Handle(ListModels);
        Server.On(HttpMethod.Get, ApiPrefix + "list/tasks").Handle(ListTasks);
        Server.On(HttpMethod.Post, ApiPrefix + "*").Handle(Run);
        WithModel(ImageModel, "text-to-image");
        WithModel(FastImageModel, "text-to-image");
        WithModel(VideoModel, "text-to-video");
        WithModel(ChatModel, "chat");
    }

    /// <summary>Gets the underlying simulator: its <see cref="ProviderSimulator.Requests"/>, and routes of your own for one API key, which take precedence.</summary>
    public ProviderSimulator Server { get; }

    /// <summary>Gets the address to use as the client's <c>BaseAddress</c>.</summary>
    public Uri BaseAddress => Server.BaseAddress;

    /// <summary>
    /// Gets or sets the clock on which runs take their time, cold starts end and requests are stamped: the test's
    /// <c>FakeTimeProvider</c>, or the system clock.
    /// </summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider Clock
    {
        get => Server.Clock;
        set => Server.Clock = value;
    }

    /// <summary>
    /// Gets or sets how many runs one key may have in progress: a run beyond it is answered 429
    /// <c>{"error":"Rate limit exceeded"}</c> without <c>Retry-After</c>, as Bytez does (the free plan allows one).
    /// </summary>
    /// <value>The default is <see langword="null"/>: no limit.</value>
    public int? ConcurrencyLimitPerKey { get; set; }

    /// <summary>Gets every request received, in order.</summary>
    public IReadOnlyList<SimulatedRequest> Requests => Server.Requests;

    /// <summary>Gets the model runs received (<c>POST /models/v2/{modelId}</c>), in order.</summary>
    public IReadOnlyList<SimulatedRequest> Runs => [.. Server.Requests.Where(IsRun)];

    /// <summary>Gets how many runs the concurrency limit answered with 429.</summary>
    public int ConcurrencyRefusals
    {
        get
        {
            lock (_gate)
            {
                return _refused;
            }
        }
    }

    /// <summary>Gets the most runs that one key had in progress at once.</summary>
    public int PeakConcurrentRuns
    {
        get
        {
            lock (_gate)
            {
                return _peak;
            }
        }
    }

    /// <summary>Starts a simulator on a free loopback port, knowing <see cref="ImageModel"/>, <see cref="FastImageModel"/>, <see cref="VideoModel"/> and <see cref="ChatModel"/>.</summary>
    /// <returns>The running simulator; dispose it to stop it.</returns>
    public static BytezSimulator Start() => new(ProviderSimulator.Start());

    /// <summary>
    /// Registers a key and its state. Once any key is registered, a request with a key that is not is answered like an
    /// <see cref="BytezKeyState.Unauthorized"/> one; before that, every key works.
    /// </summary>
    /// <param name="key">The key, as the client sends it after <c>Key </c>.</param>
    /// <param name="state">How the simulator treats it.</param>
    /// <returns>This simulator.</returns>
    public BytezSimulator WithKey(string key, BytezKeyState state = BytezKeyState.Valid)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        lock (_gate)
        {
            _keys[key] = state;
        }

        return this;
    }

    /// <summary>
    /// Adds a model, or changes one: its task, and how long a run takes on the <see cref="Clock"/> (the answer comes
    /// when the clock has moved that far). A running model holds one of its key's concurrent runs until it answers.
    /// </summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="task">Its task: <c>text-to-image</c>, <c>text-to-video</c>, <c>chat</c>, ...</param>
    /// <param name="runTime">How long a run takes; zero (the default) answers at once.</param>
    /// <returns>This simulator.</returns>
    public BytezSimulator WithModel(string modelId, string task = "text-to-image", TimeSpan? runTime = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        lock (_gate)
        {
            Model model = Find(modelId) ?? AddModel(modelId);
            model.Task = task;
            model.RunTime = runTime ?? TimeSpan.Zero;
        }

        return this;
    }

    /// <summary>
    /// Makes a model cold: from its first run, it answers 200 <c>{"error":"Model is loading ..."}</c> until
    /// <paramref name="warmUp"/> has passed on the <see cref="Clock"/>, then runs normally.
    /// </summary>
    /// <param name="modelId">A model the simulator knows.</param>
    /// <param name="warmUp">How long the cold start lasts.</param>
    /// <returns>This simulator.</returns>
    public BytezSimulator ColdStart(string modelId, TimeSpan warmUp)
    {
        lock (_gate)
        {
            Model model = Find(modelId) ?? throw new ArgumentException($"The simulator does not know model '{modelId}'; add it with WithModel first.", nameof(modelId));
            model.WarmUp = warmUp;
            model.WarmAt = null;
        }

        return this;
    }

    /// <summary>
    /// Answers the next runs of a model (from keys that are valid and within the concurrency limit) with these
    /// answers, in order; then the model runs normally again.
    /// </summary>
    /// <param name="modelId">A model the simulator knows.</param>
    /// <param name="answers">For example <c>RateLimited(), RateLimited()</c>, or <c>Error("...")</c>.</param>
    /// <returns>This simulator.</returns>
    public BytezSimulator Script(string modelId, params SimulatedResponse[] answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        lock (_gate)
        {
            Model model = Find(modelId) ?? throw new ArgumentException($"The simulator does not know model '{modelId}'; add it with WithModel first.", nameof(modelId));
            foreach (SimulatedResponse answer in answers)
            {
                model.Script.Enqueue(answer);
            }
        }

        return this;
    }

    /// <summary>Gets the runs of one model received, in order.</summary>
    /// <param name="modelId">The model id.</param>
    /// <returns>The runs.</returns>
    public IReadOnlyList<SimulatedRequest> RunsOf(string modelId) => [.. Runs.Where(r => r.Path == ApiPrefix + modelId)];

    /// <summary>Waits (on the real clock) until at least <paramref name="count"/> runs have been received.</summary>
    /// <param name="count">The number of runs.</param>
    /// <param name="timeout">How long to wait; 10 seconds by default.</param>
    /// <returns>The runs received.</returns>
    /// <exception cref="TimeoutException">Fewer runs came in time.</exception>
    public async Task<IReadOnlyList<SimulatedRequest>> WaitForRunsAsync(int count, TimeSpan? timeout = null)
    {
        using var expiry = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            IReadOnlyList<SimulatedRequest> runs = Runs;
            if (runs.Count >= count)
            {
                return runs;
            }

            try
            {
                await Server.WaitForRequestsAsync(Server.Requests.Count + 1, timeout ?? TimeSpan.FromSeconds(10)).WaitAsync(expiry.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException)
            {
                throw new TimeoutException($"The simulator received {Runs.Count} runs, not {count}.");
            }
        }
    }

    /// <summary>A successful run: 200 <c>{"error":null,"output":"..."}</c>.</summary>
    /// <param name="output">The output string, such as the address of an image.</param>
    /// <returns>The answer.</returns>
    public static SimulatedResponse Output(string output) => Envelope(200, null, Quote(output));

    /// <summary>A successful run whose output is any JSON: 200 <c>{"error":null,"output":...}</c>.</summary>
    /// <param name="outputJson">The output, as JSON.</param>
    /// <returns>The answer.</returns>
    public static SimulatedResponse OutputJson(string outputJson) => Envelope(200, null, outputJson);

    /// <summary>A failure inside a 200, as Bytez passes its upstream errors through: <c>{"error":"...","output":null}</c>.</summary>
    /// <param name="error">The error text.</param>
    /// <returns>The answer.</returns>
    public static SimulatedResponse Error(string error) => Envelope(200, error, "null");

    /// <summary>An upstream quota error inside a 200: <c>{"error":"429 You exceeded your current quota ...","output":null}</c>.</summary>
    /// <returns>The answer.</returns>
    public static SimulatedResponse QuotaExceeded()
        => Error("429 You exceeded your current quota, please check your plan and billing details.");

    /// <summary>A cold start inside a 200: <c>{"error":"Model is loading ...","output":null}</c>.</summary>
    /// <returns>The answer.</returns>
    public static SimulatedResponse ModelLoading()
        => Error("Model is loading (cold start), please try again in a few minutes.");

    /// <summary>Bytez's answer to a bad key: 403 (or 401) <c>{"error":"Unauthorized","output":null}</c>.</summary>
    /// <param name="statusCode">403, or 401.</param>
    /// <returns>The answer.</returns>
    public static SimulatedResponse Unauthorized(int statusCode = 403) => Envelope(statusCode, "Unauthorized", "null");

    /// <summary>A 403 about the request, not the key (a gated model, one the plan does not include).</summary>
    /// <param name="error">The error text.</param>
    /// <returns>The answer.</returns>
    public static SimulatedResponse Forbidden(string error) => Envelope(403, error, "null");

    /// <summary>Bytez's answer when the key's credits are spent: 402 <c>{"status":402,"error":"Payment Required","message":"Insufficient credits..."}</c>.</summary>
    /// <returns>The answer.</returns>
    public static SimulatedResponse PaymentRequired()
        => SimulatedResponse.Json(402, "{\"status\":402,\"error\":\"Payment Required\",\"message\":\"Insufficient credits. Please add credits to continue.\"}");

    /// <summary>Bytez's 429: <c>{"error":"Rate limit exceeded","output":null}</c>, without <c>Retry-After</c>.</summary>
    /// <returns>The answer.</returns>
    public static SimulatedResponse RateLimited() => Envelope(429, "Rate limit exceeded", "null");

    /// <summary>Stops the server.</summary>
    public void Dispose() => Server.Dispose();

    private static SimulatedResponse Envelope(int statusCode, string? error, string outputJson)
        => SimulatedResponse.Json(statusCode, "{\"error\":" + (error is null ? "null" : Quote(error)) + ",\"output\":" + outputJson + "}");

    private static string Quote(string text) => "\"" + JsonEncodedText.Encode(text).Value + "\"";

    private static bool IsRun(SimulatedRequest request)
        => request.Method == "POST" && request.Path.StartsWith(ApiPrefix, StringComparison.Ordinal) && !request.Path.StartsWith(ApiPrefix + "list/", StringComparison.Ordinal);

    private static string? QueryValue(string query, string name)
    {
        foreach (string part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part[..equals] == name)
            {
                return Uri.UnescapeDataString(part[(equals + 1)..]);
            }
        }

        return null;
    }

    private Model? Find(string modelId) => _models.FirstOrDefault(m => m.Id == modelId);

    private Model AddModel(string modelId)
    {
        var model = new Model(modelId);
        _models.Add(model);
        return model;
    }

    /// <summary>The state of the request's key, or <see langword="null"/> when it is refused as unknown.</summary>
    private BytezKeyState KeyState(SimulatedRequest request)
        => _keys.Count == 0 ? BytezKeyState.Valid
            : request.ApiKey is { } key && _keys.TryGetValue(key, out BytezKeyState state) ? state
            : BytezKeyState.Unauthorized;

    /// <summary>The answer to a key that cannot be used (403 or 402), or <see langword="null"/> for a valid one.</summary>
    private SimulatedResponse? Refusal(SimulatedRequest request) => KeyState(request) switch
    {
        BytezKeyState.Unauthorized => Unauthorized(),
        BytezKeyState.OutOfCredits => PaymentRequired(),
        _ => null,
    };

    private SimulatedResponse ListModels(SimulatedRequest request)
    {
        lock (_gate)
        {
            if (Refusal(request) is { } refusal)
            {
                return refusal;
            }

            string? task = QueryValue(request.Query, "task");
            string? modelId = QueryValue(request.Query, "modelId");
            IEnumerable<string> items = _models
                .Where(m => (task is null || m.Task == task) && (modelId is null || m.Id == modelId))
                .Select(m => string.Create(
                    CultureInfo.InvariantCulture,
                    $"{{\"modelId\":{Quote(m.Id)},\"task\":{Quote(m.Task)},\"meter\":\"sm-free\",\"meterPrice\":\"0.0000720000 / sec\",\"params\":2.6,\"ramRequired\":14}}"));
            return OutputJson("[" + string.Join(',', items) + "]");
        }
    }

    private SimulatedResponse ListTasks(SimulatedRequest request)
    {
        lock (_gate)
        {
            return Refusal(request) ?? OutputJson("[" + string.Join(',', _models.Select(m => m.Task).Distinct(StringComparer.Ordinal).Select(Quote)) + "]");
        }
    }

    private SimulatedResponse Run(SimulatedRequest request)
    {
        string modelId = Uri.UnescapeDataString(request.Path[ApiPrefix.Length..]);
        DateTimeOffset now = request.ReceivedAt;
        lock (_gate)
        {
            if (Refusal(request) is { } refusal)
            {
                return refusal;
            }

            if (Find(modelId) is not { } model)
            {
                return Envelope(404, "Model not found: " + modelId, "null");
            }

            string key = request.ApiKey ?? string.Empty;
            if (!_running.TryGetValue(key, out List<DateTimeOffset>? running))
            {
                running = [];
                _running[key] = running;
            }

            // A run ends when its answer is sent. On the system clock the answer's timer can fire a few milliseconds
            // before the wall clock reaches the run's end, so a client that waited for the answer could otherwise
            // look early; a fake clock has no such skew.
            TimeSpan skew = Clock == TimeProvider.System ? TimeSpan.FromMilliseconds(50) : TimeSpan.Zero;
            running.RemoveAll(end => end <= now + skew);
            if (ConcurrencyLimitPerKey is { } limit && running.Count >= limit)
            {
                _refused++;
                return RateLimited();
            }

            if (model.Script.TryDequeue(out SimulatedResponse? scripted))
            {
                return scripted;
            }

            if (model.WarmUp is { } warmUp)
            {
                model.WarmAt ??= now + warmUp;
                if (now < model.WarmAt)
                {
                    return ModelLoading();
                }
            }

            running.Add(now + model.RunTime);
            _peak = Math.Max(_peak, running.Count);
            _outputs++;
            string extension = model.Task.Contains("video", StringComparison.Ordinal) ? "mp4" : "png";
            SimulatedResponse answer = model.Task is "text-to-image" or "text-to-video" or "unconditional-image-generation"
                ? Output(string.Create(CultureInfo.InvariantCulture, $"https://cdn.bytez.com/outputs/{_outputs}.{extension}"))
                : Output(string.Create(CultureInfo.InvariantCulture, $"Simulated answer {_outputs} of {model.Id}."));
            return answer.WithDelay(model.RunTime);
        }
    }

    /// <summary>One model the simulator runs; guarded by the simulator's lock.</summary>
    private sealed class Model(string id)
    {
        public string Id { get; } = id;

        public string Task { get; set; } = "text-to-image";

        public TimeSpan RunTime { get; set; }

        public TimeSpan? WarmUp { get; set; }

        public DateTimeOffset? WarmAt { get; set; }

        public Queue<SimulatedResponse> Script { get; } = new();
    }
}
