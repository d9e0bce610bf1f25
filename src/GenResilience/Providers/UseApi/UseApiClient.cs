using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using GenResilience.Diagnostics.Internal;
using GenResilience.Jobs.Internal;
using GenResilience.Providers.Internal;
using GenResilience.Providers.UseApi.Internal;
using GenResilience.Resilience.Internal;
using Polly;
using Polly.CircuitBreaker;

namespace GenResilience;

/// <summary>
/// The UseAPI client (LTX Studio and Google Flow), on the named resilient client of <c>AddGenerationClients()</c>.
/// Resolve <see cref="IUseApiClient"/> from DI; the class is thread-safe and holds the account balances, the
/// per-family health and the VEO circuit for the life of the app.
/// </summary>
public sealed class UseApiClient : IUseApiClient
{
    private const string Provider = "UseApi";

    private readonly ProviderClientServices<UseApiClientOptions> _services;
    private readonly UseApiAccounts _accounts;
    private readonly UseApiFamilyMonitor _health;
    private readonly ResiliencePipeline _veoCircuit;

    internal UseApiClient(ProviderClientServices<UseApiClientOptions> services)
    {
        _services = services;
        _accounts = new UseApiAccounts(services);
        _health = new UseApiFamilyMonitor(services.TimeProvider);
        _veoCircuit = BuildVeoCircuit();
    }

    /// <inheritdoc/>
    public UseApiHealth Health => _health.Snapshot();

    private UseApiClientOptions Options => _services.Options;

    /// <inheritdoc/>
    public Task<UseApiJob> CreateVideoAsync(UseApiVideoRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        return request.Model.Family == UseApiModelFamily.Flow
            ? CreateFlowVideoAsync(request, cancellationToken)
            : CreateOnAnAccountAsync(request, request.Model, request.StartAssetId, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<UseApiJob> CreateFlowVideoAsync(UseApiVideoRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        if (request.Model.Family != UseApiModelFamily.Flow)
        {
            throw Invalid(request.Model, "Model", $"{request.Model.WireName} is not a Google Flow model; use CreateVideoAsync, or a Flow model ({string.Join(", ", UseApiModel.All.Where(m => m.Family == UseApiModelFamily.Flow))}).");
        }

        string replyRef = NewReplyRef();
        var body = new FlowCreateBody
        {
            Prompt = request.Prompt,
            Model = request.Model.WireName,
            AspectRatio = FlowAspectRatio(request.AspectRatio),
            Count = request.Count,
            Seed = request.Seed,
            Duration = request.Duration,
            Email = request.Email,
            StartImage = request.StartAssetId,
            ReplyRef = replyRef,
        };
        using var message = new HttpRequestMessage(HttpMethod.Post, Options.FlowVideosPath)
        {
            Content = JsonContent.Create(body, UseApiJsonContext.Default.FlowCreateBody),
        };
        message.SetOperationName(request.Model.DisplayName);
        message.SetModelForTracing(request.Model.WireName);
        CreateResponse created = await TrackAsync(
            UseApiModelFamily.Flow,
            () => ProviderCalls.SendForJsonAsync(_services.CreateClient(), message, UseApiJsonContext.Default.CreateResponse, Provider, cancellationToken)).ConfigureAwait(false);
        string jobId = created.JobId ?? throw MissingJobId(request.Model);
        return new UseApiJob(jobId, created.GenerationId, request.Model, request.Email, replyRef);
    }

    /// <inheritdoc/>
    public async Task<string> UploadAssetAsync(UseApiUpload upload, string? email = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        email ??= Options.Accounts.FirstOrDefault()?.Email;
        string path = Options.AssetsPath + "?type=reference-image" + (email is null ? string.Empty : "&email=" + Uri.EscapeDataString(email));
        using var message = new HttpRequestMessage(HttpMethod.Post, path);

        // A fresh stream for every attempt: the file is never held in memory whole.
        message.SetContentFactory(() =>
        {
            var content = new StreamContent(upload.Open());
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(upload.ContentType);
            return content;
        });
        message.SetOperationName("upload");

        // The same file uploaded twice costs nothing but an extra asset.
        message.SetRetryAfterAmbiguousFailure(true);
        UploadResponse uploaded = await ProviderCalls.SendForJsonAsync(_services.CreateClient(), message, UseApiJsonContext.Default.UploadResponse, Provider, cancellationToken).ConfigureAwait(false);
        return uploaded.Asset?.FileId ?? throw new GenerationException(
            GenerationErrorKind.Unknown,
            Provider,
            $"UseApi upload: the service accepted {upload.FileName ?? "the file"} but returned no asset id (asset.fileId).")
        {
            Operation = "upload",
            StatusCode = 200,
        };
    }

    /// <inheritdoc/>
    public async Task<UseApiJobStatus> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        bool flow = IsFlowJob(jobId);
        using var message = new HttpRequestMessage(HttpMethod.Get, (flow ? Options.FlowJobsPath : Options.AssetsPath) + EscapeJobId(jobId));
        message.SetOperationName("job");
        try
        {
            if (flow)
            {
                JsonElement job = await ProviderCalls.SendForJsonAsync(_services.CreateClient(), message, UseApiJsonContext.Default.JsonElement, Provider, cancellationToken).ConfigureAwait(false);
                return FlowJobReader.Read(jobId, job);
            }

            AssetStatusResponse asset = await ProviderCalls.SendForJsonAsync(_services.CreateClient(), message, UseApiJsonContext.Default.AssetStatusResponse, Provider, cancellationToken).ConfigureAwait(false);
            return new UseApiJobStatus(
                jobId,
                asset.Status?.Type ?? "unknown",
                asset.Status?.Progress is { } progress ? (int)Math.Round(progress) : null,
                Uri.TryCreate(asset.Status?.Artifact?.AssetUrl, UriKind.Absolute, out Uri? url) ? url : null,
                asset.Status?.Message);
        }
        catch (GenerationException e) when (e.StatusCode == 404)
        {
            throw new GenerationException(
                GenerationErrorKind.JobExpired,
                Provider,
                $"UseApi job {jobId} was not found: it expired, or it was never made with this token (404). Start a new generation.",
                e)
            {
                Operation = "job",
                StatusCode = 404,
                Attempts = e.Attempts,
                MayHaveStartedWork = e.MayHaveStartedWork,
            };
        }
    }

    /// <inheritdoc/>
    public Task<UseApiJobStatus> WaitForCompletionAsync(string jobId, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        UseApiClientOptions options = Options;
        var wait = new JobWait(Provider, "job", jobId, options.PollInterval, options.JobTimeout, _services.Setting(nameof(UseApiClientOptions.JobTimeout)), _services.TimeProvider);
        return JobPoller.WaitAsync(wait, ct => GetJobAsync(jobId, ct), status => Interpret(status), progress, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<UseApiJobStatus> WaitForCompletionAsync(UseApiJob job, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        return WaitForCompletionAsync(job.JobId, progress, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<UseApiVideoResult> GenerateVideoAsync(UseApiVideoRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request, generate: true);
        UseApiClientOptions options = Options;
        var warnings = new List<string>();

        string? startAssetId = request.StartAssetId;
        if (startAssetId is null && request.ReferenceImage is { } image && request.Model.Family != UseApiModelFamily.Flow)
        {
            try
            {
                startAssetId = await UploadAssetAsync(image, request.Email, cancellationToken).ConfigureAwait(false);
            }
            catch (GenerationException e) when (options.ContinueWithoutReferenceImage && request.Model != UseApiModel.Veo2)
            {
                UseApiLog.UploadSkipped(_services.Logger, image.FileName ?? "(stream)", e.Message);
                warnings.Add($"The reference image {image.FileName} could not be uploaded ({e.Kind}: {e.Message}); the video was made from the prompt alone.");
            }
        }

        UseApiModel model = request.Model;
        UseApiJob job;
        bool usedFallback = false;
        if (model.Family == UseApiModelFamily.Veo && options.EnableEmergencyFallback)
        {
            (job, usedFallback) = await CreateVeoOrFallbackAsync(request, startAssetId, warnings, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            job = model.Family == UseApiModelFamily.Flow
                ? await CreateFlowVideoAsync(request, cancellationToken).ConfigureAwait(false)
                : await CreateOnAnAccountAsync(request, model, startAssetId, cancellationToken).ConfigureAwait(false);
        }

        UseApiJobStatus done = await WaitForCompletionAsync(job, progress, cancellationToken).ConfigureAwait(false);
        return new UseApiVideoResult
        {
            JobId = job.JobId,
            AssetUrl = done.AssetUrl!,
            Model = job.Model,
            RequestedModel = request.Model,
            Email = job.Email,
            UsedFallback = usedFallback,
            Warnings = warnings,
        };
    }

    /// <inheritdoc/>
    public async Task<ProviderProbeResult> ProbeAsync(CancellationToken cancellationToken = default)
    {
        UseApiClientOptions options = Options;
        TimeProvider time = _services.TimeProvider;
        DateTimeOffset started = time.GetUtcNow();
        HttpClient client = _services.CreateClient();
        var rows = new List<ProviderProbeRow>
        {
            await ProbeAsync(client, HttpMethod.Get, options.AccountPath, "account: GET " + options.AccountPath, createEndpoint: false, cancellationToken).ConfigureAwait(false),
            await ProbeAsync(client, HttpMethod.Get, options.LtxCreatePath, "LTX: " + options.LtxCreatePath, createEndpoint: true, cancellationToken).ConfigureAwait(false),
            await ProbeAsync(client, HttpMethod.Get, options.VeoCreatePath, "VEO: " + options.VeoCreatePath, createEndpoint: true, cancellationToken).ConfigureAwait(false),
            await ProbeAsync(client, HttpMethod.Get, options.FlowVideosPath, "Flow: " + options.FlowVideosPath, createEndpoint: true, cancellationToken).ConfigureAwait(false),
            await ProbeAsync(client, HttpMethod.Get, options.AssetsPath + "?page=1&limit=1", "assets: GET " + options.AssetsPath, createEndpoint: false, cancellationToken).ConfigureAwait(false),
        };
        return new ProviderProbeResult(Provider, started, rows);
    }

    private static JobPoll<UseApiJobStatus> Interpret(UseApiJobStatus status)
    {
        if (status.IsCompleted)
        {
            return JobPoll<UseApiJobStatus>.Done(status, status.Status, status.Progress ?? 100);
        }

        if (status.IsFailed)
        {
            return JobPoll<UseApiJobStatus>.Failed(
                new GenerationException(GenerationErrorKind.JobFailed, Provider, $"UseApi job {status.JobId} failed: {status.Message ?? "the service gave no reason"}.")
                {
                    Operation = "job",
                    StatusCode = 200,
                },
                status.Status);
        }

        // "completed" without the asset address yet, or the address before "completed": look again.
        return JobPoll<UseApiJobStatus>.Running(status.Status, status.Progress);
    }

    private static bool IsFlowJob(string jobId) => jobId.Contains("google-flow", StringComparison.OrdinalIgnoreCase);

    /// <summary>LTX job ids are <c>email:…:…-type:video</c>: keep <c>:</c> and <c>@</c>, escape what a path cannot hold.</summary>
    private static string EscapeJobId(string jobId)
        => string.Concat(jobId.Select(c => c is '/' or '?' or '#' or '%' or ' ' ? Uri.HexEscape(c) : c.ToString()));

    private static string? FlowAspectRatio(string? aspectRatio) => aspectRatio switch
    {
        "16:9" => "landscape",
        "9:16" => "portrait",
        _ => aspectRatio,
    };

    private static string NewReplyRef() => "genres-" + Guid.NewGuid().ToString("N");

    private static GenerationException Invalid(UseApiModel model, string field, string message)
        => new(GenerationErrorKind.InvalidRequest, Provider, "UseApi " + model.DisplayName + ": " + message)
        {
            Operation = model.DisplayName,
            ValidationErrors = [new GenerationValidationError(field, message)],
        };

    private static GenerationException MissingJobId(UseApiModel model)
        => new(GenerationErrorKind.Unknown, Provider, $"UseApi {model.DisplayName}: the service accepted the create but returned no job id.")
        {
            Operation = model.DisplayName,
            StatusCode = 200,
        };

    private static void Validate(UseApiVideoRequest request, bool generate = false)
    {
        if (string.IsNullOrWhiteSpace(request.Prompt))
        {
            throw Invalid(request.Model ?? UseApiModel.LtxvTurbo, "Prompt", "the prompt is empty.");
        }

        if (request.Model is null)
        {
            throw Invalid(UseApiModel.LtxvTurbo, "Model", $"no model given; accepted: {UseApiModel.AcceptedNames}.");
        }

        if (request.Model == UseApiModel.Veo2 && request.StartAssetId is null && (request.ReferenceImage is null || !generate))
        {
            throw Invalid(request.Model, generate ? "ReferenceImage" : "StartAssetId", generate
                ? "veo2 makes a video from a start image: set ReferenceImage (or StartAssetId), or use veo3, veo3-fast or an LTX model for text alone."
                : "veo2 makes a video from a start image: upload one with UploadAssetAsync and set StartAssetId, or use veo3, veo3-fast or an LTX model for text alone.");
        }

        if (request.Model.Family != UseApiModelFamily.Flow && request.Prompt.Length > 2000)
        {
            throw Invalid(request.Model, "Prompt", string.Create(CultureInfo.InvariantCulture, $"the prompt has {request.Prompt.Length} characters; LTX Studio takes at most 2,000."));
        }
    }

    /// <summary>Creates on the best account for the model, moving to the next account at once when one is full.</summary>
    private async Task<UseApiJob> CreateOnAnAccountAsync(UseApiVideoRequest request, UseApiModel model, string? startAssetId, CancellationToken cancellationToken)
    {
        IReadOnlyList<string?> candidates = await _accounts.CandidatesAsync(model, request.Email, cancellationToken).ConfigureAwait(false);
        GenerationException? full = null;
        foreach (string? email in candidates)
        {
            try
            {
                UseApiJob job = await TrackAsync(model.Family, () => CreateLtxStudioJobAsync(request, model, email, startAssetId, cancellationToken)).ConfigureAwait(false);
                _accounts.JobStarted(email);
                return job;
            }
            catch (GenerationException e) when (e.StatusCode == 429 && e.Kind == GenerationErrorKind.NoAccountAvailable)
            {
                UseApiLog.AccountFull(_services.Logger, model.DisplayName, email ?? "(the token's account)");
                full = e;
            }
        }

        throw UseApiAccounts.AllFull(model, candidates, full!);
    }

    private async Task<UseApiJob> CreateLtxStudioJobAsync(UseApiVideoRequest request, UseApiModel model, string? email, string? startAssetId, CancellationToken cancellationToken)
    {
        string replyRef = NewReplyRef();
        var body = new LtxCreateBody
        {
            Prompt = request.Prompt,
            Email = email,
            Model = model.WireName,
            Duration = request.Duration?.ToString(CultureInfo.InvariantCulture),
            AspectRatio = request.AspectRatio,
            Resolution = model.Family == UseApiModelFamily.Veo ? request.Resolution : null,
            Intensity = model.Family == UseApiModelFamily.Ltx ? request.Intensity : null,
            StartAssetId = startAssetId,
            EndAssetId = request.EndAssetId,
            Seed = request.Seed,
            AudioSfx = model.Family == UseApiModelFamily.Ltx ? request.AudioSfx : null,
            ReplyRef = replyRef,
        };
        string path = model.Family == UseApiModelFamily.Veo ? Options.VeoCreatePath : Options.LtxCreatePath;
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, UseApiJsonContext.Default.LtxCreateBody) };
        message.SetOperationName(model.DisplayName);
        message.SetModelForTracing(model.WireName);

        // A create that failed ambiguously may have started the job: look for it before sending the create again.
        message.SetAmbiguousRetryGuard(ct => FindStartedJobAsync(model, replyRef, ct));
        try
        {
            using HttpResponseMessage response = await ProviderCalls.SendAsync(_services.CreateClient(), message, Provider, cancellationToken).ConfigureAwait(false);
            CreateResponse created = await ProviderCalls.ReadJsonAsync(response, UseApiJsonContext.Default.CreateResponse, Provider, cancellationToken).ConfigureAwait(false);
            bool adopted = response.Headers.Contains(AdoptedHeader);
            return new UseApiJob(created.JobId ?? throw MissingJobId(model), created.GenerationId, model, email, replyRef) { Adopted = adopted };
        }
        catch (GenerationException) when (message.Options.TryGetValue(RequestState.Key, out RequestState? state) && state.MayHaveReachedOrigin)
        {
            // The last attempt may have started the job and was not (or no longer) retried: one last look.
            using HttpResponseMessage? found = await FindStartedJobAsync(model, replyRef, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                throw;
            }

            CreateResponse created = await ProviderCalls.ReadJsonAsync(found, UseApiJsonContext.Default.CreateResponse, Provider, cancellationToken).ConfigureAwait(false);
            return new UseApiJob(created.JobId!, null, model, email, replyRef) { Adopted = true };
        }
    }

    private const string AdoptedHeader = "X-GenResilience-Adopted";

    /// <summary>Looks for the job with this reference among the executing ones (one attempt); a stand-in create answer when found.</summary>
    private async Task<HttpResponseMessage?> FindStartedJobAsync(UseApiModel model, string replyRef, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Options.SchedulerPath);
        request.SetOperationName("scheduler");
        request.SetProbe();
        SchedulerResponse scheduler;
        try
        {
            scheduler = await ProviderCalls.SendForJsonAsync(_services.CreateClient(), request, UseApiJsonContext.Default.SchedulerResponse, Provider, cancellationToken).ConfigureAwait(false);
        }
        catch (GenerationException)
        {
            return null;
        }

        ExecutingJob? job = scheduler.Executing?.FirstOrDefault(j => string.Equals(j.ReplyRef, replyRef, StringComparison.Ordinal) && j.JobId is not null);
        if (job is null)
        {
            return null;
        }

        UseApiLog.JobAdopted(_services.Logger, model.DisplayName, job.JobId!);
        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            Content = JsonContent.Create(new CreateResponse { JobId = job.JobId }, UseApiJsonContext.Default.CreateResponse),
        };
        response.Headers.Add(AdoptedHeader, "true");
        return response;
    }

    /// <summary>VEO through its circuit: while VEO is failing (or a request's VEO create fails after retries), the fallback model serves.</summary>
    private async Task<(UseApiJob Job, bool UsedFallback)> CreateVeoOrFallbackAsync(UseApiVideoRequest request, string? startAssetId, List<string> warnings, CancellationToken cancellationToken)
    {
        string reason;
        try
        {
            UseApiJob veo = await _veoCircuit.ExecuteAsync(
                async ct => await CreateOnAnAccountAsync(request, request.Model, startAssetId, ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            return (veo, false);
        }
        catch (BrokenCircuitException)
        {
            reason = "VEO is failing and out of use until a trial call succeeds";
        }
        catch (GenerationException e) when (IsOutage(e))
        {
            reason = "VEO failed after its retries: " + e.Kind;
        }

        UseApiModel fallback = Options.FallbackModel;
        UseApiLog.FallbackUsed(_services.Logger, request.Model.DisplayName, fallback.DisplayName, reason);
        warnings.Add($"{request.Model.DisplayName} was not available ({reason}); the video was made with {fallback.DisplayName}.");
        UseApiJob job = fallback.Family == UseApiModelFamily.Flow
            ? await CreateFlowVideoAsync(Retarget(request, fallback), cancellationToken).ConfigureAwait(false)
            : await CreateOnAnAccountAsync(Retarget(request, fallback), fallback, startAssetId, cancellationToken).ConfigureAwait(false);
        return (job, true);
    }

    private static UseApiVideoRequest Retarget(UseApiVideoRequest request, UseApiModel model) => new()
    {
        Prompt = request.Prompt,
        Model = model,
        Email = null,
        Duration = null,
        AspectRatio = request.AspectRatio,
        Seed = request.Seed,
        StartAssetId = request.StartAssetId,
        EndAssetId = request.EndAssetId,
        Count = request.Count,
    };

    private static bool IsOutage(GenerationException e) => e.Kind is GenerationErrorKind.ServiceUnavailable or GenerationErrorKind.Timeout;

    /// <summary>Runs a create and records what it says about its family's health, logging when VEO goes down or comes back.</summary>
    private async Task<T> TrackAsync<T>(UseApiModelFamily family, Func<Task<T>> call)
    {
        try
        {
            T result = await call().ConfigureAwait(false);
            if (_health.Succeeded(family) && family == UseApiModelFamily.Veo)
            {
                UseApiLog.VeoRecovered(_services.Logger);
            }

            return result;
        }
        catch (GenerationException e) when (IsOutage(e))
        {
            if (_health.Failed(family, e.Message) && family == UseApiModelFamily.Veo && Options.EnableEmergencyFallback)
            {
                UseApiLog.VeoDegraded(_services.Logger, e.Message, Options.FallbackModel.DisplayName, Durations.Format(Options.EmergencyBreakDuration));
            }

            throw;
        }
    }

    private ResiliencePipeline BuildVeoCircuit()
    {
        UseApiClientOptions options = Options;
        return new ResiliencePipelineBuilder { TimeProvider = _services.TimeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                Name = "GenResilience.UseApi.VeoCircuit",
                FailureRatio = 0.5,
                MinimumThroughput = 2,
                SamplingDuration = TimeSpan.FromMinutes(5),
                BreakDuration = options.EmergencyBreakDuration,
                ShouldHandle = new PredicateBuilder().Handle<GenerationException>(IsOutage),
                OnOpened = args =>
                {
                    _health.Opened(UseApiModelFamily.Veo, args.Outcome.Exception?.Message ?? "failures");
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    _health.Probing(UseApiModelFamily.Veo);
                    return default;
                },
            })
            .Build();
    }

    private async Task<ProviderProbeRow> ProbeAsync(HttpClient client, HttpMethod method, string path, string endpoint, bool createEndpoint, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.SetOperationName("probe");
        ProviderProbeRow row = await ProviderCalls.ProbeAsync(client, request, endpoint, _services.TimeProvider, cancellationToken).ConfigureAwait(false);

        // A create endpoint is probed with a GET, which it does not take: "405 Method Not Allowed" proves it is there.
        return createEndpoint && row.StatusCode == 405
            ? row with { Verdict = ProbeVerdict.Ok, Detail = "reachable (405 to a GET, as expected of a create endpoint)" }
            : row;
    }
}
