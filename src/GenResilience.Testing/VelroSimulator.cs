using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenResilience.Testing.Internal;

namespace GenResilience.Testing;

/// <summary>
/// A Velro backend on loopback that behaves like the real one (FastAPI in front of fal.ai), built on a
/// <see cref="ProviderSimulator"/>: the seven registry models, <c>/auth/me</c>, creates that accept
/// <c>multipart/form-data</c> only (a JSON body gets 422 "Field required"), generations that go pending → processing →
/// completed over polls, 400 "Model X not found in registry", 402 "Insufficient credits. Required: X, Available: Y",
/// 401 without a valid token, 503 bursts on demand, and an <c>X-Request-ID</c> on every answer.
/// </summary>
/// <example>
/// <code>
/// using var velro = VelroSimulator.Start();
/// velro.CreditsBalance = 120;
/// velro.FailNextCreates(2);                      // 503, 503, then the create goes through
/// // options.Velro = new VelroClientOptions { BaseAddress = velro.BaseAddress, ApiKeys = ["test-token-1"] };
/// // ... then assert on velro.Creates (the parts of each form) and velro.Requests
/// </code>
/// </example>
public sealed class VelroSimulator : IDisposable
{
    /// <summary>The create endpoint (<c>POST</c>) and, with <c>/{id}</c>, a generation (<c>GET</c>).</summary>
    public const string GenerationsPath = "/api/v1/generations";

    /// <summary>The model registry (public: no token needed).</summary>
    public const string ModelsPath = "/api/v1/generations/models/supported";

    /// <summary>The signed-in account.</summary>
    public const string CurrentUserPath = "/api/v1/auth/me";

    /// <summary>The health endpoint (public).</summary>
    public const string HealthPath = "/health";

    private const long MaxReferenceImageBytes = 20L * 1024 * 1024;

    private static readonly string[] RequiredFields = ["model_id", "prompt"];

    private readonly object _gate = new();
    private readonly List<VelroSimulatedModel> _models = [.. DefaultModels];
    private readonly Dictionary<string, Generation> _generations = new(StringComparer.Ordinal);
    private readonly List<VelroSimulatedCreate> _creates = [];
    private readonly HashSet<string> _rejectedTokens = new(StringComparer.Ordinal);
    private readonly List<(string Method, string Path, int StatusCode)> _failures = [];
    private readonly Queue<(string Status, string? Error)> _outcomes = new();
    private decimal _creditsBalance = 10_000;
    private string _email = "test-user@example.com";
    private int _pollsUntilDone = 2;
    private bool _dropFormFields;
    private int _generationCount;

    private VelroSimulator()
    {
        Server = ProviderSimulator.Start();
        Server.Unmatched = SimulatedResponse.Json(404, "{\"detail\":\"Not Found\"}");

        // Registered before the generation route, whose prefix also matches it.
        Server.On(HttpMethod.Get, ModelsPath).Handle(AnswerModels);
        Server.On(HttpMethod.Get, ModelsPath + "/").Handle(AnswerModels);
        Server.On(HttpMethod.Get, CurrentUserPath).Handle(AnswerMe);
        Server.On(HttpMethod.Get, HealthPath).Handle(r => WithRequestId(SimulatedResponse.Ok("{\"status\":\"healthy\"}"), r));
        Server.On(HttpMethod.Post, GenerationsPath).Handle(AnswerCreate);
        Server.On(HttpMethod.Post, GenerationsPath + "/").Handle(AnswerCreate);
        Server.On(HttpMethod.Get, GenerationsPath + "/*").Handle(AnswerGeneration);
    }

    /// <summary>
    /// Gets the registry of the real backend (models/fal_config.py), in the order it lists it: by type, then by credits.
    /// </summary>
    public static IReadOnlyList<VelroSimulatedModel> DefaultModels { get; } =
    [
        new("fal-ai/imagen4/preview/ultra", "image", 45, ImageParameters),
        new("fal-ai/flux-pro/v1.1-ultra", "image", 50, ImageParameters),
        new("fal-ai/flux-pro/kontext/max", "image", 60, ImageParameters),
        new("fal-ai/wan-pro/text-to-video", "video", 300, VideoParameters("[\"medium\",\"high\"]")),
        new("fal-ai/kling-video/v2.1/master/text-to-video", "video", 350, VideoParameters(quality: null)),
        new("fal-ai/minimax/hailuo-02/pro/text-to-video", "video", 400, VideoParameters("[\"low\",\"medium\",\"high\"]")),
        new("fal-ai/veo3", "video", 500, VideoParameters("[\"medium\",\"high\"]")),
    ];

    /// <summary>Gets the server underneath, to script any endpoint (<c>Server.On(...).Reply(...)</c> replaces the simulated behaviour of that endpoint).</summary>
    public ProviderSimulator Server { get; }

    /// <summary>Gets the address to use as <c>VelroClientOptions.BaseAddress</c>.</summary>
    public Uri BaseAddress => Server.BaseAddress;

    /// <summary>Gets or sets the clock that stamps requests (the test's <c>FakeTimeProvider</c>, or the system clock).</summary>
    public TimeProvider Clock
    {
        get => Server.Clock;
        set => Server.Clock = value;
    }

    /// <summary>Gets every request received, in order.</summary>
    public IReadOnlyList<SimulatedRequest> Requests => Server.Requests;

    /// <summary>Gets every request to the create endpoint, with its form as Velro read it, in order.</summary>
    public IReadOnlyList<VelroSimulatedCreate> Creates
    {
        get
        {
            lock (_gate)
            {
                return [.. _creates];
            }
        }
    }

    /// <summary>Gets the models of the registry now.</summary>
    public IReadOnlyList<VelroSimulatedModel> Models
    {
        get
        {
            lock (_gate)
            {
                return [.. _models];
            }
        }
    }

    /// <summary>Gets or sets the account's credits; a create costs its model's credits.</summary>
    /// <value>The default is 10,000.</value>
    public decimal CreditsBalance
    {
        get
        {
            lock (_gate)
            {
                return _creditsBalance;
            }
        }

        set
        {
            lock (_gate)
            {
                _creditsBalance = value;
            }
        }
    }

    /// <summary>Gets or sets the account's e-mail address.</summary>
    /// <value>The default is <c>test-user@example.com</c>.</value>
    public string Email
    {
        get
        {
            lock (_gate)
            {
                return _email;
            }
        }

        set
        {
            lock (_gate)
            {
                _email = value;
            }
        }
    }

    /// <summary>
    /// Gets or sets the poll at which a generation finishes: the polls before it say <c>processing</c>.
    /// <see cref="int.MaxValue"/> makes generations that never finish.
    /// </summary>
    /// <value>The default is 2: pending (create), processing (poll 1), completed (poll 2).</value>
    public int PollsUntilDone
    {
        get
        {
            lock (_gate)
            {
                return _pollsUntilDone;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            lock (_gate)
            {
                _pollsUntilDone = value;
            }
        }
    }

    /// <summary>
    /// Gets or sets a value indicating whether the create endpoint sees no form fields, as behind a proxy or gateway that
    /// drops or rewrites request bodies: every create then answers 422 "Field required".
    /// </summary>
    public bool DropFormFields
    {
        get
        {
            lock (_gate)
            {
                return _dropFormFields;
            }
        }

        set
        {
            lock (_gate)
            {
                _dropFormFields = value;
            }
        }
    }

    /// <summary>Starts a simulator on a free loopback port.</summary>
    /// <returns>The running simulator; dispose it to stop it.</returns>
    public static VelroSimulator Start() => new();

    /// <summary>Gets the requests received for one exact path.</summary>
    /// <param name="path">The path, for example <see cref="ModelsPath"/>.</param>
    /// <returns>The requests, in order.</returns>
    public IReadOnlyList<SimulatedRequest> RequestsTo(string path) => Server.RequestsTo(path);

    /// <summary>Makes Velro answer 401 (session expired) to this token from now on.</summary>
    /// <param name="token">The token, as sent after <c>Bearer</c>.</param>
    /// <returns>This simulator.</returns>
    public VelroSimulator RejectToken(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        lock (_gate)
        {
            _rejectedTokens.Add(token);
        }

        return this;
    }

    /// <summary>Takes a model out of the registry (a create for it then answers 400 "not found in registry").</summary>
    /// <param name="modelId">The model.</param>
    /// <returns>This simulator.</returns>
    public VelroSimulator RemoveModel(string modelId)
    {
        lock (_gate)
        {
            _models.RemoveAll(m => m.ModelId == modelId);
        }

        return this;
    }

    /// <summary>Adds a model to the registry.</summary>
    /// <param name="model">The model.</param>
    /// <returns>This simulator.</returns>
    public VelroSimulator AddModel(VelroSimulatedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        lock (_gate)
        {
            _models.Add(model);
        }

        return this;
    }

    /// <summary>Makes the next <paramref name="count"/> creates fail with <paramref name="statusCode"/> before Velro looks at them (a 503 burst), then behave again.</summary>
    /// <param name="count">How many.</param>
    /// <param name="statusCode">The status; 503 (Velro's answer to its own faults) by default.</param>
    /// <returns>This simulator.</returns>
    public VelroSimulator FailNextCreates(int count, int statusCode = 503) => FailNext(HttpMethod.Post, GenerationsPath, count, statusCode);

    /// <summary>Makes the next <paramref name="count"/> requests to an endpoint fail with <paramref name="statusCode"/>, then behave again.</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path; <see cref="GenerationsPath"/> with <c>GET</c> means every generation read.</param>
    /// <param name="count">How many.</param>
    /// <param name="statusCode">The status; 503 by default.</param>
    /// <returns>This simulator.</returns>
    public VelroSimulator FailNext(HttpMethod method, string path, int count, int statusCode = 503)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            for (int i = 0; i < count; i++)
            {
                _failures.Add((method.Method, path, statusCode));
            }
        }

        return this;
    }

    /// <summary>Makes the next generation created end as <c>failed</c>, with this <c>error_message</c>.</summary>
    /// <param name="errorMessage">Why it failed.</param>
    /// <returns>This simulator.</returns>
    public VelroSimulator FailNextGeneration(string errorMessage = "FAL.ai generation failed: the model could not process the request")
    {
        lock (_gate)
        {
            _outcomes.Enqueue(("failed", errorMessage));
        }

        return this;
    }

    /// <summary>Makes the next generation created end as <c>cancelled</c>.</summary>
    /// <returns>This simulator.</returns>
    public VelroSimulator CancelNextGeneration()
    {
        lock (_gate)
        {
            _outcomes.Enqueue(("cancelled", null));
        }

        return this;
    }

    /// <summary>Stops the server.</summary>
    public void Dispose() => Server.Dispose();

    private static string ImageParameters =>
        "{\"prompt\":{\"type\":\"string\",\"required\":true,\"max_length\":2000},"
        + "\"image_size\":{\"type\":\"string\",\"default\":\"landscape_4_3\",\"enum\":[\"square_hd\",\"square\",\"portrait_4_3\",\"portrait_16_9\",\"landscape_4_3\",\"landscape_16_9\"]},"
        + "\"num_images\":{\"type\":\"integer\",\"default\":1,\"min\":1,\"max\":4},"
        + "\"output_format\":{\"type\":\"string\",\"default\":\"jpeg\",\"enum\":[\"jpeg\",\"png\"]}}";

    private static string VideoParameters(string? quality) =>
        "{\"prompt\":{\"type\":\"string\",\"required\":true,\"max_length\":2000},"
        + "\"duration\":{\"type\":\"number\",\"default\":5.0,\"min\":1.0,\"max\":10.0},"
        + "\"aspect_ratio\":{\"type\":\"string\",\"default\":\"16:9\",\"enum\":[\"16:9\",\"9:16\",\"1:1\"]}"
        + (quality is null ? string.Empty : ",\"quality\":{\"type\":\"string\",\"default\":\"high\",\"enum\":" + quality + "}")
        + "}";

    private static SimulatedResponse WithRequestId(SimulatedResponse response, SimulatedRequest request)
        => response.WithHeader("X-Request-ID", RequestId(request));

    private static string RequestId(SimulatedRequest request) => string.Create(CultureInfo.InvariantCulture, $"req-{request.Sequence:D6}");

    /// <summary>Velro's error body: <c>{"detail","request_id","status_code"}</c>, with the id in <c>X-Request-ID</c> too.</summary>
    private static SimulatedResponse Error(SimulatedRequest request, int status, string detail)
    {
        var body = new JsonObject { ["detail"] = detail, ["request_id"] = RequestId(request), ["status_code"] = status };
        return WithRequestId(SimulatedResponse.Json(status, body.ToJsonString()), request);
    }

    /// <summary>FastAPI's answer to form fields it did not find.</summary>
    private static SimulatedResponse FieldsRequired(SimulatedRequest request, IEnumerable<string> fields)
    {
        var details = new JsonArray();
        foreach (string field in fields)
        {
            details.Add(new JsonObject { ["type"] = "missing", ["loc"] = new JsonArray("body", field), ["msg"] = "Field required", ["input"] = null });
        }

        return WithRequestId(SimulatedResponse.Json(422, new JsonObject { ["detail"] = details }.ToJsonString()), request);
    }

    private static string Name(string modelId)
        => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(modelId.Split('/')[^1].Replace('-', ' '));

    // The handlers run under the server's lock; this simulator's own lock guards its state against the test's thread.
    private SimulatedResponse? TakeFailure(SimulatedRequest request, string path)
    {
        int index = _failures.FindIndex(f => f.Method == request.Method && f.Path == path);
        if (index < 0)
        {
            return null;
        }

        int status = _failures[index].StatusCode;
        _failures.RemoveAt(index);
        return Error(request, status, status == 503 ? "Service temporarily unavailable. Please try again later." : "Simulated failure.");
    }

    private SimulatedResponse? Unauthenticated(SimulatedRequest request)
        => request.ApiKey is null
            ? Error(request, 401, "Not authenticated")
            : _rejectedTokens.Contains(request.ApiKey)
                ? Error(request, 401, "Authentication expired. Please refresh the page and log in again.")
                : null;

    private SimulatedResponse AnswerModels(SimulatedRequest request)
    {
        lock (_gate)
        {
            if (TakeFailure(request, ModelsPath) is { } failure)
            {
                return failure;
            }

            var models = new JsonArray();
            foreach (VelroSimulatedModel model in _models)
            {
                bool video = model.Type == "video";
                models.Add(new JsonObject
                {
                    ["model_id"] = model.ModelId,
                    ["name"] = Name(model.ModelId),
                    ["type"] = model.Type,
                    ["credits"] = model.Credits,
                    ["max_resolution"] = video ? "1280x720" : "2048x2048",
                    ["supported_formats"] = video ? new JsonArray("mp4") : new JsonArray("jpg", "png"),
                    ["description"] = Name(model.ModelId) + " (simulated)",
                    ["endpoint"] = model.ModelId,
                    ["parameters"] = JsonNode.Parse(model.ParametersJson),
                    ["example_params"] = new JsonObject { ["prompt"] = "A serene mountain lake with reflection" },
                });
            }

            return WithRequestId(SimulatedResponse.Ok(new JsonObject { ["models"] = models }.ToJsonString()), request);
        }
    }

    private SimulatedResponse AnswerMe(SimulatedRequest request)
    {
        lock (_gate)
        {
            if (TakeFailure(request, CurrentUserPath) is { } failure)
            {
                return failure;
            }

            if (Unauthenticated(request) is { } refused)
            {
                return refused;
            }

            var user = new JsonObject
            {
                ["id"] = "00000000-0000-4000-8000-000000000001",
                ["email"] = _email,
                ["full_name"] = "Test User",
                ["credits_balance"] = _creditsBalance,
                ["created_at"] = "2025-01-01T00:00:00+00:00",
                ["updated_at"] = "2025-01-01T00:00:00+00:00",
                ["role"] = "viewer",
            };
            return WithRequestId(SimulatedResponse.Ok(user.ToJsonString()), request);
        }
    }

    private SimulatedResponse AnswerCreate(SimulatedRequest request)
    {
        lock (_gate)
        {
            SimulatedResponse answer = Create(request, out VelroSimulatedCreate? create);
            if (create is not null)
            {
                create.StatusCode = answer.StatusCode;
                _creates.Add(create);
            }

            return answer;
        }
    }

    private SimulatedResponse Create(SimulatedRequest request, out VelroSimulatedCreate? create)
    {
        string? contentType = request.Headers.TryGetValue("Content-Type", out string? type) ? type : null;
        byte[] body = request.Body is byte[] bytes ? bytes : [.. request.Body];
        bool multipart = MultipartForm.IsMultipart(contentType);
        create = new VelroSimulatedCreate(request, multipart, multipart ? MultipartForm.Parse(contentType, body) : []);

        if (TakeFailure(request, GenerationsPath) is { } failure)
        {
            return failure;
        }

        if (Unauthenticated(request) is { } refused)
        {
            return refused;
        }

        // Velro reads form fields only: a JSON body, or a form that did not arrive, has none.
        IReadOnlyDictionary<string, string> fields = _dropFormFields ? new Dictionary<string, string>() : create.Fields;
        string[] missing = [.. RequiredFields.Where(f => !fields.ContainsKey(f))];
        if (missing.Length > 0)
        {
            return FieldsRequired(request, missing);
        }

        if (fields.TryGetValue("parameters", out string? parameters) && parameters != "{}")
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(parameters);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return Error(request, 400, "Invalid parameters JSON");
                }
            }
            catch (JsonException)
            {
                return Error(request, 400, "Invalid parameters JSON");
            }
        }

        if (create.ReferenceImage is { } image)
        {
            if (image.Content.Count > MaxReferenceImageBytes)
            {
                return Error(request, 413, string.Create(CultureInfo.InvariantCulture, $"Reference image too large. Maximum size is {MaxReferenceImageBytes} bytes"));
            }

            if (image.ContentType is null || !image.ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            {
                return Error(request, 400, "Reference image must be an image file");
            }
        }

        string modelId = fields["model_id"];
        VelroSimulatedModel? model = _models.FirstOrDefault(m => m.ModelId == modelId);
        if (model is null)
        {
            return Error(request, 400, $"Model {modelId} not found in registry");
        }

        if (_creditsBalance < model.Credits)
        {
            return Error(request, 402, string.Create(CultureInfo.InvariantCulture, $"Insufficient credits. Required: {model.Credits}, Available: {_creditsBalance:0.##}"));
        }

        _creditsBalance -= model.Credits;
        string id = string.Create(CultureInfo.InvariantCulture, $"00000000-0000-4000-9000-{++_generationCount:D12}");
        (string status, string? error) = _outcomes.Count > 0 ? _outcomes.Dequeue() : ("completed", null);
        var generation = new Generation(id, model, fields, status, error, Clock.GetUtcNow());
        _generations[id] = generation;
        create.GenerationId = id;
        return WithRequestId(SimulatedResponse.Ok(generation.ToJson("pending", finished: false)), request);
    }

    private SimulatedResponse AnswerGeneration(SimulatedRequest request)
    {
        lock (_gate)
        {
            if (TakeFailure(request, GenerationsPath) is { } failure)
            {
                return failure;
            }

            if (Unauthenticated(request) is { } refused)
            {
                return refused;
            }

            string id = Uri.UnescapeDataString(request.Path[(GenerationsPath.Length + 1)..].TrimEnd('/'));
            if (!_generations.TryGetValue(id, out Generation? generation))
            {
                return Error(request, 404, "Generation not found");
            }

            generation.Polls++;
            bool finished = generation.Polls >= _pollsUntilDone;
            return WithRequestId(SimulatedResponse.Ok(generation.ToJson(finished ? generation.FinalStatus : "processing", finished)), request);
        }
    }

    private sealed class Generation(string id, VelroSimulatedModel model, IReadOnlyDictionary<string, string> fields, string finalStatus, string? error, DateTimeOffset createdAt)
    {
        public string FinalStatus { get; } = finalStatus;

        public int Polls { get; set; }

        public string ToJson(string status, bool finished)
        {
            bool video = model.Type == "video";
            var outputs = new JsonArray();
            if (finished && status == "completed")
            {
                int count = 1;
                string extension = video ? "mp4" : "jpg";
                if (!video && fields.TryGetValue("parameters", out string? parameters))
                {
                    using JsonDocument document = JsonDocument.Parse(parameters);
                    if (document.RootElement.TryGetProperty("num_images", out JsonElement n) && n.TryGetInt32(out int wanted) && wanted > 0)
                    {
                        count = wanted;
                    }

                    if (document.RootElement.TryGetProperty("output_format", out JsonElement format) && format.GetString() == "png")
                    {
                        extension = "png";
                    }
                }

                for (int i = 0; i < count; i++)
                {
                    outputs.Add(string.Create(CultureInfo.InvariantCulture, $"https://v3.fal.media/files/simulated/{id}_{i}.{extension}"));
                }
            }

            var json = new JsonObject
            {
                ["id"] = id,
                ["user_id"] = "00000000-0000-4000-8000-000000000001",
                ["project_id"] = fields.GetValueOrDefault("project_id"),
                ["media_url"] = outputs.Count > 0 ? outputs[0]!.GetValue<string>() : null,
                ["media_type"] = video ? "video" : "image",
                ["prompt"] = fields.GetValueOrDefault("prompt"),
                ["status"] = status,
                ["cost"] = model.Credits,
                ["created_at"] = createdAt.ToString("O", CultureInfo.InvariantCulture),
                ["model_id"] = model.ModelId,
                ["negative_prompt"] = fields.GetValueOrDefault("negative_prompt"),
                ["reference_image_url"] = fields.GetValueOrDefault("reference_image_url"),
                ["parameters"] = fields.TryGetValue("parameters", out string? p) ? JsonNode.Parse(p) : new JsonObject(),
                ["output_urls"] = outputs,
                ["credits_used"] = model.Credits,
                ["error_message"] = finished && status == "failed" ? error : null,
                ["is_favorite"] = false,
                ["completed_at"] = finished ? createdAt.ToString("O", CultureInfo.InvariantCulture) : null,
            };
            return json.ToJsonString();
        }
    }
}
