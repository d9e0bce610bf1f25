using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenResilience.Testing;

/// <summary>
/// A UseAPI service on loopback that behaves like the real one, built on a <see cref="ProviderSimulator"/>: LTX Studio
/// creates (<c>ltx-create</c>, <c>veo-create</c>) and Google Flow creates, accounts with token balances and job slots
/// (<c>429 "API query is full"</c> when an account has none free), jobs that progress over polls and end as scripted
/// (completed, completed before the asset address, the address before completed, failed, expired with 404), uploads,
/// the scheduler, <c>/v2/account</c>, tokens it rejects with 401, and Cloudflare 522/523 outages that start and end on
/// its <see cref="Clock"/>.
/// </summary>
/// <example>
/// <code>
/// using var useApi = UseApiSimulator.Start("test-token-1");
/// useApi.AddAccount("a@example.com", balance: 150, maxJobs: 2);
/// useApi.StartOutage(522, TimeSpan.FromSeconds(10), except: ["/v1/ltxstudio/assets"]);
/// // options.UseApi = new UseApiClientOptions { BaseAddress = useApi.BaseAddress, ApiKeys = ["test-token-1"] };
/// </code>
/// </example>
public sealed class UseApiSimulator : IDisposable
{
    /// <summary>The account of the token when no LTX Studio account is added.</summary>
    public const string DefaultEmail = "sim-user@example.com";

    /// <summary>The answer of a create on an account without a free job slot.</summary>
    public const string QueryFullError = "API query is full and can not accept new jobs";

    private const string Ltx = "/v1/ltxstudio/";
    private const string Flow = "/v1/google-flow/";

    private static readonly string[] LtxModels = ["ltxv", "ltxv-turbo"];
    private static readonly string[] VeoModels = ["veo2", "veo3", "veo3-fast"];
    private static readonly string[] FlowModels = ["veo-3.1-fast", "veo-3.1-quality", "veo-3.1-lite", "veo-3.1-lite-low-priority", "omni-flash"];

    private readonly object _gate = new();
    private readonly HashSet<string> _tokens;
    private readonly HashSet<string> _rejected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SimulatedJob> _jobs = new(StringComparer.Ordinal);
    private readonly List<UseApiSimulatedJob> _created = [];
    private readonly Queue<UseApiJobEnding> _endings = new();
    private readonly List<Outage> _outages = [];
    private readonly List<(int Count, int StatusCode, string Prefix)> _failures = [];
    private int _ambiguousCreates;
    private int _ambiguousStatus = 524;
    private int _sequence;

    private UseApiSimulator(IEnumerable<string> tokens)
    {
        _tokens = new HashSet<string>(tokens, StringComparer.Ordinal);
        Server = ProviderSimulator.Start();
        Server.Unmatched = SimulatedResponse.Json(404, "{\"error\":\"Not found\",\"code\":404}");
        Server.On(HttpMethod.Get, "/*").Handle(Answer);
        Server.On(HttpMethod.Post, "/*").Handle(Answer);
        Server.On(HttpMethod.Delete, "/*").Handle(Answer);
    }

    /// <summary>Gets the server underneath: its requests, and <c>Server.On(...)</c> to script one endpoint over the simulated behaviour.</summary>
    public ProviderSimulator Server { get; }

    /// <summary>Gets the address to use as <c>UseApiClientOptions.BaseAddress</c>.</summary>
    public Uri BaseAddress => Server.BaseAddress;

    /// <summary>Gets or sets the clock of outages and request stamps (a test's <c>FakeTimeProvider</c>, or the system clock).</summary>
    public TimeProvider Clock
    {
        get => Server.Clock;
        set => Server.Clock = value;
    }

    /// <summary>Gets every request received, in order.</summary>
    public IReadOnlyList<SimulatedRequest> Requests => Server.Requests;

    /// <summary>Gets or sets how many polls a new job answers <c>active</c> (with rising progress) before its ending.</summary>
    /// <value>The default is 2.</value>
    public int PollsUntilDone { get; set; } = 2;

    /// <summary>Gets or sets the tokens an LTX Studio job costs its account.</summary>
    /// <value>The default is 10.</value>
    public double JobCost { get; set; } = 10;

    /// <summary>Gets or sets the shape of Google Flow job results.</summary>
    /// <value>The default is <see cref="UseApiFlowResultShape.Operations"/>.</value>
    public UseApiFlowResultShape FlowResultShape { get; set; } = UseApiFlowResultShape.Operations;

    /// <summary>Gets the jobs created so far (adopted retries are not new jobs), in order.</summary>
    public IReadOnlyList<UseApiSimulatedJob> Jobs
    {
        get
        {
            lock (_gate)
            {
                return [.. _created];
            }
        }
    }

    /// <summary>
    /// Starts a simulator on a free loopback port. With tokens, every other token is answered 401; with none, any
    /// token is accepted.
    /// </summary>
    /// <param name="tokens">The valid API tokens.</param>
    /// <returns>The simulator; dispose it to stop the server.</returns>
    public static UseApiSimulator Start(params string[] tokens) => new(tokens);

    /// <summary>Adds an LTX Studio account (or changes it).</summary>
    /// <param name="email">The account's e-mail.</param>
    /// <param name="balance">Its <c>LTXStudio_token</c> balance.</param>
    /// <param name="maxJobs">How many jobs it runs at once.</param>
    /// <returns>This simulator.</returns>
    public UseApiSimulator AddAccount(string email, double balance = 1000, int maxJobs = 20)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        lock (_gate)
        {
            _accounts[email] = new Account(email) { Balance = balance, MaxJobs = maxJobs };
        }

        return this;
    }

    /// <summary>Sets an account's token balance.</summary>
    /// <param name="email">The account.</param>
    /// <param name="balance">The balance.</param>
    public void SetBalance(string email, double balance)
    {
        lock (_gate)
        {
            AccountFor(email).Balance = balance;
        }
    }

    /// <summary>Gets an account's token balance.</summary>
    /// <param name="email">The account.</param>
    /// <returns>The balance.</returns>
    public double GetBalance(string email)
    {
        lock (_gate)
        {
            return AccountFor(email).Balance;
        }
    }

    /// <summary>Sets how many jobs an account runs at once; 0 makes every create on it a 429 "query is full".</summary>
    /// <param name="email">The account.</param>
    /// <param name="maxJobs">The slots.</param>
    public void SetMaxJobs(string email, int maxJobs)
    {
        lock (_gate)
        {
            AccountFor(email).MaxJobs = maxJobs;
        }
    }

    /// <summary>
    /// Answers the next <paramref name="count"/> creates on <paramref name="email"/> with 429 "API query is full",
    /// whatever the scheduler says (as when other jobs fill the account between a scheduler read and the create).
    /// </summary>
    /// <param name="email">The account.</param>
    /// <param name="count">How many creates.</param>
    public void RefuseNextCreates(string email, int count = 1)
    {
        lock (_gate)
        {
            AccountFor(email).Refusals += count;
        }
    }

    /// <summary>Makes every call with <paramref name="token"/> a 401 from now on (a revoked token).</summary>
    /// <param name="token">The token.</param>
    public void RejectToken(string token)
    {
        lock (_gate)
        {
            _rejected.Add(token);
        }
    }

    /// <summary>Sets how the next jobs end, one ending per job in creation order; later jobs complete normally.</summary>
    /// <param name="endings">The endings.</param>
    public void EndNextJobs(params UseApiJobEnding[] endings)
    {
        lock (_gate)
        {
            foreach (UseApiJobEnding ending in endings)
            {
                _endings.Enqueue(ending);
            }
        }
    }

    /// <summary>Makes a job unknown from now on: polls answer 404, as for an expired job.</summary>
    /// <param name="jobId">The job.</param>
    public void ExpireJob(string jobId)
    {
        lock (_gate)
        {
            if (_jobs.TryGetValue(jobId, out SimulatedJob? job))
            {
                job.Ending = UseApiJobEnding.Expired;
                job.Polls = int.MaxValue / 2;
            }
        }
    }

    /// <summary>
    /// Starts a Cloudflare outage on the <see cref="Clock"/>: every matching request gets the HTML error page of
    /// <paramref name="statusCode"/> until <paramref name="duration"/> has passed (or <see cref="EndOutage"/>).
    /// </summary>
    /// <param name="statusCode">522, 523 or 524 (Cloudflare's pages), or any other status.</param>
    /// <param name="duration">How long it lasts; <see langword="null"/> until <see cref="EndOutage"/>.</param>
    /// <param name="only">Path prefixes it hits; <see langword="null"/> or empty for every path.</param>
    /// <param name="except">Path prefixes it spares (the real outage spared <c>/v1/ltxstudio/assets</c>).</param>
    public void StartOutage(int statusCode = 522, TimeSpan? duration = null, IReadOnlyList<string>? only = null, IReadOnlyList<string>? except = null)
    {
        DateTimeOffset now = Clock.GetUtcNow();
        lock (_gate)
        {
            _outages.Add(new Outage(statusCode, duration is { } d ? now + d : DateTimeOffset.MaxValue, only ?? [], except ?? []));
        }
    }

    /// <summary>Ends every outage now.</summary>
    public void EndOutage()
    {
        lock (_gate)
        {
            _outages.Clear();
        }
    }

    /// <summary>Answers the next <paramref name="count"/> requests whose path starts with <paramref name="pathPrefix"/> with <paramref name="statusCode"/>.</summary>
    /// <param name="count">How many.</param>
    /// <param name="statusCode">The status (522, 523, 524: Cloudflare's page; others: UseAPI's JSON error).</param>
    /// <param name="pathPrefix">The paths; <c>/</c> for all.</param>
    public void FailNext(int count, int statusCode = 522, string pathPrefix = "/")
    {
        lock (_gate)
        {
            _failures.Add((count, statusCode, pathPrefix));
        }
    }

    /// <summary>
    /// Makes the next <paramref name="count"/> LTX Studio creates start their job and still answer
    /// <paramref name="statusCode"/>, as when Cloudflare times out on a create the origin carried out.
    /// </summary>
    /// <param name="count">How many creates.</param>
    /// <param name="statusCode">The answer (524 by default).</param>
    public void TimeOutNextCreatesAfterStarting(int count, int statusCode = 524)
    {
        lock (_gate)
        {
            _ambiguousCreates = count;
            _ambiguousStatus = statusCode;
        }
    }

    /// <summary>Gets the requests whose path starts with <paramref name="prefix"/>.</summary>
    /// <param name="prefix">The path prefix.</param>
    /// <returns>The requests, in order.</returns>
    public IReadOnlyList<SimulatedRequest> RequestsUnder(string prefix) => [.. Requests.Where(r => r.Path.StartsWith(prefix, StringComparison.Ordinal))];

    /// <summary>Stops the server.</summary>
    public void Dispose() => Server.Dispose();

    private static SimulatedResponse Error(int statusCode, string message)
        => SimulatedResponse.Json(statusCode, new JsonObject { ["error"] = message, ["code"] = statusCode }.ToJsonString());

    private static SimulatedResponse Failure(int statusCode)
        => statusCode is 522 or 523 or 524
            ? SimulatedResponse.CloudflareError(statusCode, "api.useapi.net")
            : Error(statusCode, statusCode >= 500 ? "Service temporarily unavailable" : "Request failed");

    private static bool Under(string path, string prefix) => path.StartsWith(prefix, StringComparison.Ordinal);

    private static string? Text(JsonObject? body, string name)
        => body?[name] is JsonValue value ? value.TryGetValue(out string? s) ? s : value.ToJsonString() : null;

    private static JsonObject? ReadBody(SimulatedRequest request)
    {
        try
        {
            return request.Body.Count == 0 ? null : JsonNode.Parse(request.BodyText) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private Account AccountFor(string email)
        => _accounts.TryGetValue(email, out Account? account)
            ? account
            : throw new ArgumentException($"No account {email}; add it with AddAccount first.", nameof(email));

    private SimulatedResponse Answer(SimulatedRequest request)
    {
        lock (_gate)
        {
            string path = request.Path;
            if (Disrupted(path) is { } disrupted)
            {
                return disrupted;
            }

            if (request.ApiKey is null || _rejected.Contains(request.ApiKey) || (_tokens.Count > 0 && !_tokens.Contains(request.ApiKey)))
            {
                return SimulatedResponse.Unauthorized();
            }

            return (request.Method, path) switch
            {
                ("GET", "/v2/account") => SimulatedResponse.Ok(new JsonObject { ["email"] = DefaultEmail, ["name"] = "Simulated user", ["verified"] = true, ["sub"] = "261231" }.ToJsonString()),
                ("POST", Ltx + "videos/ltx-create") => CreateLtxStudio(request, LtxModels, "ltxv-turbo"),
                ("POST", Ltx + "videos/veo-create") => CreateLtxStudio(request, VeoModels, "veo2"),
                ("POST", Flow + "videos") => CreateFlow(request),
                ("GET", Ltx + "videos/ltx-create" or Ltx + "videos/veo-create" or Flow + "videos") => Error(405, "Method Not Allowed"),
                ("POST", Ltx + "assets/" or Ltx + "assets") => Upload(request),
                ("GET", Ltx + "assets/" or Ltx + "assets") => SimulatedResponse.Ok("{\"items\":[]}"),
                ("GET", _) when Under(path, Ltx + "assets/") => Poll(Uri.UnescapeDataString(path[(Ltx.Length + "assets/".Length)..]), flow: false),
                ("GET", _) when Under(path, Flow + "jobs/") => Poll(Uri.UnescapeDataString(path[(Flow.Length + "jobs/".Length)..]), flow: true),
                ("GET", Ltx + "scheduler/available") => Scheduler(),
                ("GET", _) when Under(path, Ltx + "accounts/") => GetAccount(Uri.UnescapeDataString(path[(Ltx.Length + "accounts/".Length)..])),
                _ => Server.Unmatched,
            };
        }
    }

    private SimulatedResponse? Disrupted(string path)
    {
        for (int i = 0; i < _failures.Count; i++)
        {
            (int count, int status, string prefix) = _failures[i];
            if (Under(path, prefix))
            {
                _failures[i] = (count - 1, status, prefix);
                if (count <= 1)
                {
                    _failures.RemoveAt(i);
                }

                return Failure(status);
            }
        }

        DateTimeOffset now = Clock.GetUtcNow();
        _outages.RemoveAll(o => o.Until <= now);
        foreach (Outage outage in _outages)
        {
            if ((outage.Only.Count == 0 || outage.Only.Any(p => Under(path, p))) && !outage.Except.Any(p => Under(path, p)))
            {
                return Failure(outage.StatusCode);
            }
        }

        return null;
    }

    private Account? DefaultAccount(string? email, out SimulatedResponse? error)
    {
        error = null;
        if (email is null)
        {
            if (_accounts.Count > 1)
            {
                error = Error(400, "Parameter email is required when more than one account is configured");
                return null;
            }

            return _accounts.Count == 1 ? _accounts.Values.First() : _accounts[DefaultEmail] = new Account(DefaultEmail) { Balance = 1000, MaxJobs = 20 };
        }

        if (_accounts.TryGetValue(email, out Account? account))
        {
            return account;
        }

        error = Error(404, $"Account {email} not found");
        return null;
    }

    private SimulatedResponse CreateLtxStudio(SimulatedRequest request, string[] models, string defaultModel)
    {
        JsonObject? body = ReadBody(request);
        string? prompt = Text(body, "prompt");
        if (string.IsNullOrWhiteSpace(prompt))
        {
            return Error(400, "Parameter prompt is required");
        }

        if (prompt.Length > 2000)
        {
            return Error(400, "Parameter prompt is too long (maximum 2000 characters)");
        }

        string model = Text(body, "model") ?? defaultModel;
        if (!models.Contains(model, StringComparer.Ordinal))
        {
            return Error(400, $"Parameter model ({model}) must be one of: {string.Join(", ", models)}");
        }

        string? startAssetId = Text(body, "startAssetId");
        if (model == "veo2" && startAssetId is null)
        {
            return Error(400, "Parameter startAssetId is required for veo2");
        }

        if (startAssetId is not null && !startAssetId.StartsWith("asset:", StringComparison.Ordinal))
        {
            return Error(400, $"Parameter startAssetId ({startAssetId}) has incorrect format");
        }

        if (DefaultAccount(Text(body, "email"), out SimulatedResponse? error) is not { } account)
        {
            return error!;
        }

        if (account.Refusals > 0 || Executing(account.Email) >= account.MaxJobs)
        {
            account.Refusals = Math.Max(0, account.Refusals - 1);
            return Error(429, QueryFullError);
        }

        if (account.Balance < JobCost)
        {
            return Error(402, $"Insufficient LTX Studio tokens: {account.Balance.ToString(CultureInfo.InvariantCulture)} left");
        }

        account.Balance -= JobCost;
        string jobId = $"email:{account.Email}:{Guid.NewGuid()}-type:video";
        string generationId = "gen_" + Guid.NewGuid().ToString("N")[..12];
        Track(new SimulatedJob(jobId, model, account.Email, Text(body, "replyRef"), Flow: false, _endings.Count > 0 ? _endings.Dequeue() : UseApiJobEnding.Completed), request);

        if (_ambiguousCreates > 0)
        {
            _ambiguousCreates--;
            return Failure(_ambiguousStatus);
        }

        return SimulatedResponse.Ok(new JsonObject { ["jobId"] = jobId, ["generationId"] = generationId }.ToJsonString());
    }

    private SimulatedResponse CreateFlow(SimulatedRequest request)
    {
        JsonObject? body = ReadBody(request);
        if (string.IsNullOrWhiteSpace(Text(body, "prompt")))
        {
            return Error(400, "Parameter prompt is required");
        }

        string model = Text(body, "model") ?? "veo-3.1-fast";
        if (!FlowModels.Contains(model, StringComparer.Ordinal))
        {
            return Error(400, $"Parameter model ({model}) must be one of: {string.Join(", ", FlowModels)}");
        }

        string email = Text(body, "email") ?? DefaultEmail;
        string masked = email.Length > 2 ? email[..2] + "***" + email[email.IndexOf('@', StringComparison.Ordinal)..] : email;
        int user = 12345;
        string jobId = string.Create(CultureInfo.InvariantCulture, $"j{Clock.GetUtcNow().ToUnixTimeMilliseconds()}{++_sequence}v-u{user}-email:{masked}-bot:google-flow");
        Track(new SimulatedJob(jobId, model, email, Text(body, "replyRef"), Flow: true, _endings.Count > 0 ? _endings.Dequeue() : UseApiJobEnding.Completed), request);
        return SimulatedResponse.Ok(new JsonObject { ["jobid"] = jobId, ["type"] = "video", ["status"] = "created" }.ToJsonString());
    }

    private void Track(SimulatedJob job, SimulatedRequest request)
    {
        _jobs[job.Id] = job;
        _created.Add(new UseApiSimulatedJob(job.Id, job.Model, job.Email, job.ReplyRef, request.Path));
    }

    private int Executing(string email) => _jobs.Values.Count(j => !j.Flow && !j.Finished && string.Equals(j.Email, email, StringComparison.OrdinalIgnoreCase));

    private static SimulatedResponse Upload(SimulatedRequest request)
    {
        string type = request.Headers.TryGetValue("Content-Type", out string? contentType) ? contentType.Split(';')[0].Trim() : "application/octet-stream";
        if (request.Body.Count == 0)
        {
            return Error(400, "The request body is empty: send the file's bytes");
        }

        if (!type.StartsWith("image/", StringComparison.Ordinal) && !type.StartsWith("video/", StringComparison.Ordinal))
        {
            return Error(400, $"Content-Type {type} is not supported: send the file's MIME type (image/png, image/jpeg, ...)");
        }

        string fileId = $"asset:{Guid.NewGuid()}-type:{type}";
        return SimulatedResponse.Ok(new JsonObject
        {
            ["assetUrl"] = $"https://storage.example.com/assets/{Guid.NewGuid():N}",
            ["asset"] = new JsonObject { ["type"] = "image", ["fileId"] = fileId, ["mimeType"] = type },
        }.ToJsonString());
    }

    private SimulatedResponse Poll(string jobId, bool flow)
    {
        if (!_jobs.TryGetValue(jobId, out SimulatedJob? job) || job.Flow != flow)
        {
            return Error(404, $"Job {jobId} not found");
        }

        int poll = ++job.Polls;
        int done = Math.Max(0, PollsUntilDone);
        string assetUrl = $"https://storage.example.com/videos/{Uri.EscapeDataString(job.Id)}.mp4";
        (string Type, int Progress, bool Url, string? Message) status;
        if (poll <= done)
        {
            status = ("active", done == 0 ? 0 : (int)Math.Round(90.0 * (poll - 1) / done) + 5, false, null);
        }
        else
        {
            bool first = poll == done + 1;
            status = job.Ending switch
            {
                UseApiJobEnding.Expired => default,
                UseApiJobEnding.Failed => ("failed", 100, false, "Generation failed: the prompt was rejected by moderation"),
                UseApiJobEnding.CompletedBeforeAssetUrl when first => ("completed", 100, false, null),
                UseApiJobEnding.AssetUrlBeforeCompleted when first => ("active", 99, true, null),
                _ => ("completed", 100, true, null),
            };
        }

        if (job.Ending == UseApiJobEnding.Expired && poll > done)
        {
            job.Finished = true;
            _jobs.Remove(jobId);
            return Error(404, $"Job {jobId} not found");
        }

        job.Finished = status.Type is "failed" || (status.Type is "completed" && status.Url);
        return SimulatedResponse.Ok(flow ? FlowJob(job, status.Type, status.Progress, status.Url ? assetUrl : null, status.Message) : LtxAsset(job, status.Type, status.Progress, status.Url ? assetUrl : null, status.Message));
    }

    private static string LtxAsset(SimulatedJob job, string type, int progress, string? assetUrl, string? message)
    {
        var status = new JsonObject { ["type"] = type, ["progress"] = progress };
        if (message is not null)
        {
            status["message"] = message;
        }

        if (assetUrl is not null)
        {
            status["artifact"] = new JsonObject
            {
                ["assetUrl"] = assetUrl,
                ["expirationDateString"] = "1893456000000",
                ["asset"] = new JsonObject { ["type"] = "artifact", ["fileId"] = "asset:" + Guid.NewGuid() + "-type:video/mp4", ["mimeType"] = "video/mp4" },
            };
        }

        return new JsonObject { ["status"] = status, ["jobId"] = job.Id, ["replyRef"] = job.ReplyRef }.ToJsonString();
    }

    private string FlowJob(SimulatedJob job, string type, int progress, string? videoUrl, string? message)
    {
        var result = new JsonObject { ["jobid"] = job.Id, ["type"] = "video", ["status"] = type == "active" ? "started" : type, ["progress"] = progress };
        if (message is not null)
        {
            result["error"] = message;
        }

        if (videoUrl is not null || type == "failed")
        {
            result["response"] = FlowResultShape == UseApiFlowResultShape.Operations
                ? new JsonObject
                {
                    ["operations"] = new JsonArray(new JsonObject
                    {
                        ["operation"] = new JsonObject { ["name"] = "operations/" + job.Id },
                        ["status"] = type == "failed" ? "VIDEO_GENERATION_STATUS_FAILED" : "VIDEO_GENERATION_STATUS_SUCCEEDED",
                        ["video"] = videoUrl is null ? null : new JsonObject { ["uri"] = videoUrl, ["seed"] = 123456, ["fifeUrl"] = videoUrl },
                    }),
                }
                : new JsonObject
                {
                    ["media"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "media/" + job.Id,
                        ["mediaMetadata"] = new JsonObject
                        {
                            ["mediaStatus"] = new JsonObject { ["mediaGenerationStatus"] = type == "failed" ? "MEDIA_GENERATION_STATUS_FAILED" : "MEDIA_GENERATION_STATUS_SUCCESSFUL" },
                        },
                        ["video"] = videoUrl is null ? null : new JsonObject { ["fifeUrl"] = videoUrl },
                    }),
                };
        }

        return result.ToJsonString();
    }

    private SimulatedResponse Scheduler()
    {
        var executing = new JsonArray();
        foreach (SimulatedJob job in _jobs.Values.Where(j => !j.Flow && !j.Finished))
        {
            executing.Add(new JsonObject { ["jobId"] = job.Id, ["email"] = job.Email, ["replyRef"] = job.ReplyRef, ["elapsed"] = "00:10" });
        }

        var available = new JsonArray();
        foreach (Account account in _accounts.Values)
        {
            int running = Executing(account.Email);
            available.Add(new JsonObject { ["email"] = account.Email, ["maxJobs"] = account.MaxJobs, ["executing"] = running, ["available"] = Math.Max(0, account.MaxJobs - running) });
        }

        return SimulatedResponse.Ok(new JsonObject { ["executing"] = executing, ["available"] = available }.ToJsonString());
    }

    private SimulatedResponse GetAccount(string email)
    {
        if (!_accounts.TryGetValue(email, out Account? account))
        {
            return Error(404, $"Account {email} not found");
        }

        return SimulatedResponse.Ok(new JsonObject
        {
            ["email"] = account.Email,
            ["maxJobs"] = account.MaxJobs,
            ["balance"] = new JsonObject { ["LTXStudio_token"] = account.Balance },
        }.ToJsonString());
    }

    private sealed record Outage(int StatusCode, DateTimeOffset Until, IReadOnlyList<string> Only, IReadOnlyList<string> Except);

    private sealed class Account(string email)
    {
        public string Email { get; } = email;

        public double Balance { get; set; }

        public int MaxJobs { get; set; }

        public int Refusals { get; set; }
    }

    private sealed class SimulatedJob(string id, string model, string email, string? replyRef, bool Flow, UseApiJobEnding ending)
    {
        public string Id { get; } = id;

        public string Model { get; } = model;

        public string Email { get; } = email;

        public string? ReplyRef { get; } = replyRef;

        public bool Flow { get; } = Flow;

        public UseApiJobEnding Ending { get; set; } = ending;

        public int Polls { get; set; }

        public bool Finished { get; set; }
    }
}

/// <summary>How a simulated UseAPI job ends after its <see cref="UseApiSimulator.PollsUntilDone"/> active polls.</summary>
public enum UseApiJobEnding
{
    /// <summary>Completed with its asset address.</summary>
    Completed = 0,

    /// <summary>One poll says <c>completed</c> without the asset address, the next has it (the docs warn of this).</summary>
    CompletedBeforeAssetUrl,

    /// <summary>One poll has the asset address while still <c>active</c>, the next says <c>completed</c>.</summary>
    AssetUrlBeforeCompleted,

    /// <summary>Failed, with a message.</summary>
    Failed,

    /// <summary>Gone: polls answer 404.</summary>
    Expired,
}

/// <summary>Which documented shape a simulated Google Flow job's result takes.</summary>
public enum UseApiFlowResultShape
{
    /// <summary><c>response.operations[]</c> with <c>VIDEO_GENERATION_STATUS_SUCCEEDED</c> and <c>video.uri</c>.</summary>
    Operations = 0,

    /// <summary>The 2026 <c>response.media[]</c> with <c>MEDIA_GENERATION_STATUS_SUCCESSFUL</c>.</summary>
    Media,
}

/// <summary>A job the <see cref="UseApiSimulator"/> created.</summary>
/// <param name="JobId">The job id it answered.</param>
/// <param name="Model">The model's wire name.</param>
/// <param name="Email">The account it ran on.</param>
/// <param name="ReplyRef">The <c>replyRef</c> the create sent.</param>
/// <param name="Path">The create endpoint.</param>
public sealed record UseApiSimulatedJob(string JobId, string Model, string Email, string? ReplyRef, string Path);
