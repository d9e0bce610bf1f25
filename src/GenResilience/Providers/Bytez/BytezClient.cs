using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using GenResilience.Diagnostics.Internal;
using GenResilience.Errors.Internal;
using GenResilience.Keys.Internal;
using GenResilience.Providers.Bytez.Internal;
using GenResilience.Providers.Internal;
using GenResilience.Resilience.Internal;

namespace GenResilience;

/// <summary>
/// The Bytez client: runs models on <c>api.bytez.com</c> through the provider's resilient <see cref="HttpClient"/>
/// (key rotation over <c>BYTEZ_API_KEY_1..N</c>, shared 429 cooldowns, retries of server errors and cold starts,
/// per-operation timeouts), with an optional client-side concurrency limit and priority queue, and a model check
/// before each paid run. Thread-safe; registered as a singleton by <c>AddGenerationClients()</c>.
/// </summary>
public sealed class BytezClient : IBytezClient
{
    private const string ProviderName = "Bytez";
    private const string TextToImage = "text-to-image";
    private const string TextToVideo = "text-to-video";

    /// <summary>How long the model check may take before the run goes ahead unchecked.</summary>
    private static readonly TimeSpan ModelCheckTimeout = TimeSpan.FromSeconds(30);

    private static readonly string[] ReservedInputs = ["text", "url", "base64", "messages", "params"];

    /// <summary>Where an image or video model that answers with an object puts the address.</summary>
    private static readonly string[] AddressFields = ["url", "image", "video", "output"];

    private readonly ProviderClientServices<BytezClientOptions> _services;
    private readonly BytezModelCatalog _catalog;
    private readonly object _queueGate = new();
    private BytezRequestQueue? _queue;

    internal BytezClient(ProviderClientServices<BytezClientOptions> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _catalog = new BytezModelCatalog(services.TimeProvider);
    }

    /// <summary>Gets how many runs wait in the queue now; for tests and diagnostics.</summary>
    internal int QueueLength => Volatile.Read(ref _queue)?.QueueLength ?? 0;

    /// <inheritdoc/>
    public async Task<BytezResult> RunAsync(string modelId, BytezRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentNullException.ThrowIfNull(request);
        if (request.AttemptTimeout is { } timeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, "request.AttemptTimeout");
        }

        BytezClientOptions options = _services.Options;
        byte[] body = BuildBody(request);
        await EnsureModelKnownAsync(modelId, task: null, "run", options, cancellationToken).ConfigureAwait(false);
        return await RunCoreAsync(modelId, body, "run", request.AttemptTimeout, request.Priority, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<string> GenerateImageAsync(string modelId, string prompt, IReadOnlyDictionary<string, object>? parameters = null, CancellationToken cancellationToken = default)
        => GenerateImageAsync(modelId, prompt, parameters, BytezPriority.Normal, cancellationToken);

    /// <inheritdoc/>
    public Task<string> GenerateImageAsync(string modelId, string prompt, IReadOnlyDictionary<string, object>? parameters, BytezPriority priority, CancellationToken cancellationToken = default)
        => GenerateAsync(modelId, prompt, parameters, priority, TextToImage, "image", nameof(BytezClientOptions.ImageTimeout), static o => o.ImageTimeout, cancellationToken);

    /// <inheritdoc/>
    public Task<string> GenerateVideoAsync(string modelId, string prompt, IReadOnlyDictionary<string, object>? parameters = null, CancellationToken cancellationToken = default)
        => GenerateVideoAsync(modelId, prompt, parameters, BytezPriority.Normal, cancellationToken);

    /// <inheritdoc/>
    public Task<string> GenerateVideoAsync(string modelId, string prompt, IReadOnlyDictionary<string, object>? parameters, BytezPriority priority, CancellationToken cancellationToken = default)
        => GenerateAsync(modelId, prompt, parameters, priority, TextToVideo, "video", nameof(BytezClientOptions.VideoTimeout), static o => o.VideoTimeout, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BytezModel>> ListModelsAsync(string? task = null, CancellationToken cancellationToken = default)
    {
        BytezClientOptions options = _services.Options;
        string query = string.IsNullOrWhiteSpace(task) ? string.Empty : "task=" + Uri.EscapeDataString(task.Trim());
        return await _catalog.GetAsync(
            query,
            options.ModelListCacheDuration,
            async token =>
            {
                using var message = new HttpRequestMessage(HttpMethod.Get, ListPath(options, query));
                message.SetOperationName("list models");
                using HttpResponseMessage response = await ProviderCalls.SendAsync(_services.CreateClient(), message, ProviderName, token).ConfigureAwait(false);
                return await ReadModelsAsync(response, token).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<ProviderProbeResult> ProbeAsync(CancellationToken cancellationToken = default)
    {
        BytezClientOptions options = _services.Options;
        TimeProvider time = _services.TimeProvider;
        DateTimeOffset checkedAt = time.GetUtcNow();
        HttpClient client = _services.CreateClient();
        var keyRows = new List<ProviderProbeRow>();
        string[] keys = [.. options.ApiKeys.Distinct(StringComparer.Ordinal)];
        foreach (string key in keys)
        {
            using HttpRequestMessage check = options.KeyCheck?.Invoke() ?? new HttpRequestMessage(HttpMethod.Get, options.ApiPath + "list/tasks");
            check.SetOperationName("probe");
            ProviderProbeRow row = await ProviderCalls.ProbeAsync(client, check, "key " + KeyFingerprint.For(key), time, cancellationToken, key).ConfigureAwait(false);
            keyRows.Add(DescribeKey(row));
        }

        // The list is probed with a key the probe found working, so that its row speaks of the service, not of a bad
        // key, and it costs no key checks of its own.
        string? listKey = keys.Where((_, i) => keyRows[i].Verdict == ProbeVerdict.Ok).FirstOrDefault() ?? keys.FirstOrDefault();
        ProviderProbeRow listRow;
        using (var list = new HttpRequestMessage(HttpMethod.Get, ListPath(options, "task=" + TextToImage)))
        {
            list.SetOperationName("probe");
            listRow = await ProviderCalls.ProbeAsync(client, list, "GET /" + options.ApiPath + "list/models", time, cancellationToken, listKey).ConfigureAwait(false);
        }

        return new ProviderProbeResult(ProviderName, checkedAt, [listRow, .. keyRows]);
    }

    /// <summary>A key's probe row says what the answer means for the key: ok, rejected, or out of credits.</summary>
    private static ProviderProbeRow DescribeKey(ProviderProbeRow row) => row.StatusCode switch
    {
        401 or 403 => row with { Verdict = ProbeVerdict.AuthProblem, Detail = "rejected" + (row.Detail is null ? string.Empty : ": " + row.Detail) },
        402 => row with { Verdict = ProbeVerdict.AuthProblem, Detail = "out of credits" + (row.Detail is null ? string.Empty : ": " + row.Detail) },
        _ => row,
    };

    private async Task<string> GenerateAsync(
        string modelId,
        string prompt,
        IReadOnlyDictionary<string, object>? parameters,
        BytezPriority priority,
        string task,
        string operation,
        string timeoutSetting,
        Func<BytezClientOptions, TimeSpan> timeout,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentException.ThrowIfNullOrWhiteSpace(prompt);
        BytezClientOptions options = _services.Options;
        byte[] body = Serialize(new BytezRunBody { Text = prompt, Params = BytezJsonValues.ToObject(parameters, nameof(parameters)) });
        await EnsureModelKnownAsync(modelId, task, operation, options, cancellationToken).ConfigureAwait(false);
        BytezResult result;
        try
        {
            result = await RunCoreAsync(modelId, body, operation, timeout(options), priority, options, cancellationToken).ConfigureAwait(false);
        }
        catch (GenerationException e) when (e.Kind == GenerationErrorKind.Timeout)
        {
            // The pipeline names AttemptTimeout, but image and video attempts are bounded by their own setting.
            throw WithHint(e, $" Each {operation} attempt is bounded by {_services.Setting(timeoutSetting)} ({Durations.Format(timeout(options))}).");
        }

        return AddressOf(result.Output) ?? throw new GenerationException(
            GenerationErrorKind.Unknown,
            ProviderName,
            $"{ProviderName} {operation}: the model answered without the address of a result; its output was {Shorten(result.Output.GetRawText())}. " +
            $"Check that '{modelId}' is a {task} model, or use RunAsync to read its output yourself.")
        {
            Operation = operation,
            StatusCode = 200,
            Attempts = 1,
        };
    }

    private static GenerationException WithHint(GenerationException e, string hint)
        => new(e.Kind, e.Provider, e.Message + hint, e.InnerException)
        {
            Operation = e.Operation,
            StatusCode = e.StatusCode,
            Attempts = e.Attempts,
            ErrorCode = e.ErrorCode,
            RequestId = e.RequestId,
            RetryAfter = e.RetryAfter,
            ValidationErrors = e.ValidationErrors,
            UserMessage = e.UserMessage,
            MayHaveStartedWork = e.MayHaveStartedWork,
        };

    private async Task<BytezResult> RunCoreAsync(
        string modelId, byte[] body, string operation, TimeSpan? attemptTimeout, BytezPriority priority, BytezClientOptions options, CancellationToken cancellationToken)
    {
        using IDisposable? permit = await EnterQueueAsync(priority, operation, options, cancellationToken).ConfigureAwait(false);

        using var message = new HttpRequestMessage(HttpMethod.Post, RunPath(options, modelId));
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        message.Content = content;
        message.SetOperationName(operation);
        message.SetModelForTracing(modelId);
        if (attemptTimeout is { } timeout)
        {
            message.SetAttemptTimeout(timeout);
        }

        // A run is a POST: after a failure that may have reached Bytez, it is retried only as
        // RetryNonIdempotentAfterAmbiguousFailure allows.
        using HttpResponseMessage response = await ProviderCalls.SendAsync(_services.CreateClient(), message, ProviderName, cancellationToken).ConfigureAwait(false);
        (BytezEnvelope envelope, string raw) = await ReadEnvelopeAsync(response, cancellationToken).ConfigureAwait(false);
        return new BytezResult(envelope.Output, raw);
    }

    /// <summary>Waits for a permit when <see cref="BytezClientOptions.MaxConcurrentRequests"/> is set; <see langword="null"/> when it is not.</summary>
    private async Task<IDisposable?> EnterQueueAsync(BytezPriority priority, string operation, BytezClientOptions options, CancellationToken cancellationToken)
    {
        if (options.MaxConcurrentRequests is not { } max)
        {
            return null;
        }

        BytezRequestQueue queue = QueueFor(max, options);
        string target = ProviderName + " " + operation;
        if (queue.InFlight >= queue.MaxConcurrent)
        {
            BytezLog.Queued(_services.Logger, target, queue.MaxConcurrent, priority, queue.QueueLength);
        }

        IDisposable? permit = await queue.EnterAsync(priority, cancellationToken).ConfigureAwait(false);
        if (permit is not null)
        {
            return permit;
        }

        int queued = queue.QueueLength;
        BytezLog.QueueFull(_services.Logger, target, queue.InFlight, queue.MaxConcurrent, queued, queue.MaxQueueLength);
        throw new GenerationException(
            GenerationErrorKind.RateLimited,
            ProviderName,
            string.Create(
                CultureInfo.InvariantCulture,
                $"{target}: the client's queue is full: {queue.MaxConcurrent} runs are in flight ({_services.Setting(nameof(BytezClientOptions.MaxConcurrentRequests))}) ") +
            string.Create(
                CultureInfo.InvariantCulture,
                $"and {queued} are waiting ({_services.Setting(nameof(BytezClientOptions.MaxQueueLength))} is {queue.MaxQueueLength}), so this run failed at once without being sent. ") +
            "Raise MaxConcurrentRequests if your Bytez plan allows more concurrent requests, or MaxQueueLength to wait longer.")
        {
            Operation = operation,
            Attempts = 0,
            UserMessage = "The service is busy and too many requests are already queued. Please try again in a few minutes.",
        };
    }

    /// <summary>The queue for the settings in force; new settings start a new queue, and the old one serves its waiters.</summary>
    private BytezRequestQueue QueueFor(int maxConcurrent, BytezClientOptions options)
    {
        BytezRequestQueue? queue = Volatile.Read(ref _queue);
        if (queue is not null && queue.MaxConcurrent == maxConcurrent && queue.MaxQueueLength == options.MaxQueueLength && queue.OvertakeLimit == options.QueueOvertakeLimit)
        {
            return queue;
        }

        lock (_queueGate)
        {
            queue = _queue;
            if (queue is null || queue.MaxConcurrent != maxConcurrent || queue.MaxQueueLength != options.MaxQueueLength || queue.OvertakeLimit != options.QueueOvertakeLimit)
            {
                queue = new BytezRequestQueue(maxConcurrent, options.MaxQueueLength, options.QueueOvertakeLimit);
                Volatile.Write(ref _queue, queue);
            }

            return queue;
        }
    }

    /// <summary>
    /// Fails with <see cref="GenerationErrorKind.ModelNotFound"/> and the close matches when Bytez's model list shows
    /// that <paramref name="modelId"/> does not exist; lets the run go ahead when the list cannot be read.
    /// </summary>
    private async Task EnsureModelKnownAsync(string modelId, string? task, string operation, BytezClientOptions options, CancellationToken cancellationToken)
    {
        if (!options.ValidateModelIds)
        {
            return;
        }

        string byId = "modelId=" + Uri.EscapeDataString(modelId);
        IReadOnlyList<BytezModel>? listed = await ListForCheckAsync(task is null ? byId : "task=" + task, modelId, operation, options, cancellationToken).ConfigureAwait(false);
        if (listed is null || Contains(listed, modelId))
        {
            return;
        }

        // Not among the task's models: it may be listed under another task, and then Bytez decides.
        IReadOnlyList<BytezModel>? candidates = listed;
        if (task is not null)
        {
            IReadOnlyList<BytezModel>? found = await ListForCheckAsync(byId, modelId, operation, options, cancellationToken).ConfigureAwait(false);
            if (found is null || Contains(found, modelId))
            {
                return;
            }
        }
        else
        {
            candidates = await ListForCheckAsync(string.Empty, modelId, operation, options, cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<string> close = BytezModelCatalog.CloseMatches(modelId, candidates ?? []);
        string matches = close.Count == 0 ? "none" : string.Join(", ", close);
        string target = ProviderName + " " + operation;
        BytezLog.ModelNotFound(_services.Logger, target, modelId, matches);
        throw new GenerationException(
            GenerationErrorKind.ModelNotFound,
            ProviderName,
            $"{target}: model '{modelId}' is not in Bytez's model list{(task is null ? string.Empty : " (checked the " + task + " models and every task)")}, so the run was not sent. " +
            (close.Count == 0 ? "No model id is close to it; " : $"Close matches: {matches}. ") +
            $"See IBytezClient.ListModelsAsync for the model ids, or turn this check off with {_services.Setting(nameof(BytezClientOptions.ValidateModelIds))}.")
        {
            Operation = operation,
            Attempts = 0,
        };
    }

    private Task<IReadOnlyList<BytezModel>?> ListForCheckAsync(string query, string modelId, string operation, BytezClientOptions options, CancellationToken cancellationToken)
        => _catalog.GetForCheckAsync(
            query,
            options.ModelListCacheDuration,
            async () =>
            {
                try
                {
                    // One attempt, briefly bounded, and no caller's token: the read is shared by every run that needs it.
                    using var message = new HttpRequestMessage(HttpMethod.Get, ListPath(options, query));
                    message.SetOperationName("model check");
                    message.SetProbe();
                    message.SetTotalTimeout(ModelCheckTimeout);
                    using HttpResponseMessage response = await ProviderCalls.SendAsync(_services.CreateClient(), message, ProviderName, CancellationToken.None).ConfigureAwait(false);
                    return await ReadModelsAsync(response, CancellationToken.None).ConfigureAwait(false);
                }
                catch (GenerationException e)
                {
                    BytezLog.ModelCheckSkipped(_services.Logger, ProviderName + " " + operation, modelId, e.Message);
                    return null;
                }
            },
            cancellationToken);

    private static bool Contains(IReadOnlyList<BytezModel> models, string modelId)
        => models.Any(m => string.Equals(m.ModelId, modelId, StringComparison.Ordinal));

    private static string RunPath(BytezClientOptions options, string modelId)
        => options.ApiPath + string.Join('/', modelId.Trim().Split('/').Select(Uri.EscapeDataString));

    private static string ListPath(BytezClientOptions options, string query)
        => options.ApiPath + "list/models" + (query.Length == 0 ? string.Empty : "?" + query);

    private static byte[] BuildBody(BytezRequest request)
    {
        if (request.Inputs?.Keys.FirstOrDefault(k => ReservedInputs.Contains(k, StringComparer.Ordinal)) is { } reserved)
        {
            throw new ArgumentException($"request.Inputs[\"{reserved}\"] repeats a field of BytezRequest; set the property instead.", nameof(request));
        }

        if (request.Messages?.Any(m => m is null) == true)
        {
            throw new ArgumentException("request.Messages contains null.", nameof(request));
        }

        return Serialize(new BytezRunBody
        {
            Text = request.Text,
            Url = request.Url,
            Base64 = request.Base64,
            Messages = request.Messages is { Count: > 0 } messages ? messages : null,
            Params = BytezJsonValues.ToObject(request.Params, "request.Params"),
            Inputs = BytezJsonValues.ToObject(request.Inputs, "request.Inputs"),
        });
    }

    private static byte[] Serialize(BytezRunBody body) => body.ToUtf8Bytes();

    /// <summary>Reads the <c>{"error", "output"}</c> answer: an <c>error</c> that is not null is a failure, a body that is not that JSON a typed error.</summary>
    private static async Task<(BytezEnvelope Envelope, string Raw)> ReadEnvelopeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        RequestState? state = response.RequestMessage?.Options.TryGetValue(RequestState.Key, out RequestState? s) == true ? s : null;
        string raw;
        try
        {
            raw = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new GenerationException(GenerationErrorKind.ServiceUnavailable, ProviderName, $"{Target(state)}: the answer broke off while it was read ({e.Message}).", e)
            {
                Operation = state?.Operation,
                StatusCode = (int)response.StatusCode,
                Attempts = state?.Attempts ?? 1,

                // The answer came: the run took place, and what it made is lost.
                MayHaveStartedWork = state is { StartsWork: true } || state?.MayHaveStartedWork == true,
            };
        }

        BytezEnvelope? envelope;
        try
        {
            envelope = string.IsNullOrWhiteSpace(raw) ? null : JsonSerializer.Deserialize(raw, BytezJsonContext.Default.BytezEnvelope);
        }
        catch (JsonException e)
        {
            throw NotTheEnvelope(response, state, raw, e);
        }

        if (envelope is null)
        {
            throw NotTheEnvelope(response, state, raw, null);
        }

        if (envelope.ErrorText is { } error)
        {
            throw EnvelopeError(response, state, error);
        }

        return (envelope, raw);
    }

    private static async Task<IReadOnlyList<BytezModel>> ReadModelsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        (BytezEnvelope envelope, string raw) = await ReadEnvelopeAsync(response, cancellationToken).ConfigureAwait(false);
        if (envelope.Output.ValueKind != JsonValueKind.Array)
        {
            RequestState? state = response.RequestMessage?.Options.TryGetValue(RequestState.Key, out RequestState? s) == true ? s : null;
            throw NotTheEnvelope(response, state, raw, null);
        }

        var models = new List<BytezModel>();
        foreach (JsonElement item in envelope.Output.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } id)
            {
                models.Add(new BytezModel(id, null));
            }
            else if (item.ValueKind == JsonValueKind.Object && Text(item, "modelId") is { Length: > 0 } modelId)
            {
                models.Add(new BytezModel(modelId, Text(item, "task"))
                {
                    Meter = Text(item, "meter"),
                    MeterPrice = Text(item, "meterPrice"),
                    ParametersInBillions = Number(item, "params"),
                    RamRequiredGB = Number(item, "ramRequired"),
                });
            }
        }

        return models;
    }

    private static string? Text(JsonElement item, string name)
        => item.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement item, string name)
        => item.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double number) ? number : null;

    /// <summary>The address in an image or video model's output: the output itself, or the first address in a list or an object; http, https or a data URI.</summary>
    private static string? AddressOf(JsonElement output) => output.ValueKind switch
    {
        JsonValueKind.String => output.GetString() is { Length: > 0 } text && IsAddress(text) ? text : null,
        JsonValueKind.Array => output.EnumerateArray().Select(AddressOf).FirstOrDefault(a => a is not null),
        JsonValueKind.Object => AddressFields
            .Select(name => output.TryGetProperty(name, out JsonElement inner) ? AddressOf(inner) : null)
            .FirstOrDefault(a => a is not null),
        _ => null,
    };

    /// <summary>A model that answers with text (a chat model asked for an image) must not pass its text off as an address.</summary>
    private static bool IsAddress(string text)
        => Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && uri.Scheme is "https" or "http" or "data";

    private static GenerationException EnvelopeError(HttpResponseMessage response, RequestState? state, string error)
    {
        int status = (int)response.StatusCode;
        string text = Redact(error, state);
        GenerationOutcomeClassifier classifier = state?.Options.Classifier ?? BytezOutcomeClassifier.Instance;
        GenerationErrorKind kind = classifier.GetErrorKind(status, text);
        int attempts = state?.Attempts is > 0 ? state.Attempts : 1;
        string message = string.Create(
            CultureInfo.InvariantCulture,
            $"{Target(state)} failed after {attempts} {(attempts == 1 ? "attempt" : "attempts")}: Bytez answered {status} with the error \"{text}\".")
            + GenerationErrors.HintFor(kind, state);
        return new GenerationException(kind, ProviderName, message)
        {
            Operation = state?.Operation,
            StatusCode = status,
            Attempts = attempts,
            MayHaveStartedWork = state?.MayHaveStartedWork == true,
        };
    }

    private static GenerationException NotTheEnvelope(HttpResponseMessage response, RequestState? state, string raw, JsonException? error)
        => new(
            GenerationErrorKind.Unknown,
            ProviderName,
            string.Create(CultureInfo.InvariantCulture, $"{Target(state)} answered {(int)response.StatusCode} with a body that is not Bytez's {{\"error\", \"output\"}} JSON")
            + (error is null ? string.Empty : " (" + error.Message + ")")
            + $": {Shorten(Redact(raw, state))}. The answer may have been cut off, or a proxy answered in Bytez's place.",
            error)
        {
            Operation = state?.Operation,
            StatusCode = (int)response.StatusCode,
            Attempts = state?.Attempts is > 0 ? state.Attempts : 1,
            MayHaveStartedWork = state is { StartsWork: true } || state?.MayHaveStartedWork == true,
        };

    private static string Target(RequestState? state) => state?.Target ?? ProviderName;

    /// <summary>A service may echo the key it was sent; never let it reach a message.</summary>
    private static string Redact(string text, RequestState? state)
    {
        foreach (string key in state?.Options.ApiKeys ?? [])
        {
            if (key.Length > 0 && text.Contains(key, StringComparison.Ordinal))
            {
                text = text.Replace(key, KeyFingerprint.For(key), StringComparison.Ordinal);
            }
        }

        return text;
    }

    private static string Shorten(string text)
    {
        string flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length == 0 ? "empty" : flat.Length <= 200 ? flat : flat[..197] + "...";
    }
}
