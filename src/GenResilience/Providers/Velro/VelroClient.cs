using GenResilience.Jobs.Internal;
using GenResilience.Providers.Internal;
using GenResilience.Providers.Velro.Internal;

namespace GenResilience;

/// <summary>
/// The Velro client: see <see cref="IVelroClient"/>. Thread-safe; resolve it from DI (one per app) after
/// <c>AddGenerationClients()</c>.
/// </summary>
public sealed class VelroClient : IVelroClient
{
    private const string Provider = VelroConstants.ProviderName;

    private readonly ProviderClientServices<VelroClientOptions> _services;
    private readonly VelroModelRegistry _registry;

    internal VelroClient(ProviderClientServices<VelroClientOptions> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _registry = new VelroModelRegistry(ReadModelsAsync, services.TimeProvider);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<VelroModel>> GetSupportedModelsAsync(CancellationToken cancellationToken = default)
    {
        VelroModelCatalog catalog = await GetCatalogAsync(_services.Options, cancellationToken).ConfigureAwait(false);
        return catalog.Models;
    }

    /// <inheritdoc/>
    public async Task<VelroGeneration> CreateGenerationAsync(VelroGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        VelroClientOptions options = _services.Options;

        // What the request alone shows: no round trip for a request that cannot succeed.
        var problems = new List<VelroProblem>();
        string? parameters = VelroRequestValidator.CheckRequest(request, problems);
        if (problems.Count > 0)
        {
            throw VelroErrors.Invalid(problems, "create");
        }

        VelroModelCatalog catalog = await GetCatalogAsync(options, cancellationToken).ConfigureAwait(false);
        VelroModel model = catalog.Find(request.ModelId)
            ?? throw VelroErrors.ModelNotFound(request.ModelId, catalog, options.ModelsPath, _services.Setting(nameof(VelroClientOptions.ModelCacheDuration)), options.ModelCacheDuration);

        VelroRequestValidator.CheckAgainstModel(request, model, problems);
        if (problems.Count > 0)
        {
            throw VelroErrors.Invalid(problems, "create");
        }

        // Only with one token is the account read the account that pays: with several, the create may go out with
        // another token than the balance read (they rotate), and a Velro token is one user's session.
        if (options.CheckCreditsBeforeCreate && options.ApiKeys.Count == 1
            && await ReadBalanceAsync(options, cancellationToken).ConfigureAwait(false) is { } balance && balance < model.Credits)
        {
            throw VelroErrors.NotEnoughCredits(model, balance, _services.Setting(nameof(VelroClientOptions.CheckCreditsBeforeCreate)));
        }

        VelroGeneration created;
        try
        {
            created = await SendCreateAsync(request, parameters, options, cancellationToken).ConfigureAwait(false);
        }
        catch (GenerationException e) when (e.Kind == GenerationErrorKind.ModelNotFound && e.StatusCode is not null)
        {
            // Velro's registry changed since it was read: read it again, once however many creates found out, and say
            // what is valid now.
            _registry.Invalidate(catalog);
            VelroModelCatalog fresh;
            try
            {
                fresh = await GetCatalogAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (GenerationException)
            {
                fresh = catalog;
            }

            throw VelroErrors.ModelNotFoundByServer(e, request.ModelId, fresh, options.ModelsPath);
        }
        catch (GenerationException e)
        {
            throw VelroErrors.Refine(e);
        }

        return string.IsNullOrEmpty(created.Id) ? throw VelroErrors.CreatedWithoutId() : created;
    }

    /// <inheritdoc/>
    public async Task<VelroGeneration> GetGenerationAsync(string generationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(generationId);
        try
        {
            return await ReadGenerationAsync(generationId, _services.Options, cancellationToken).ConfigureAwait(false);
        }
        catch (GenerationException e)
        {
            throw VelroErrors.Refine(e);
        }
    }

    /// <inheritdoc/>
    public async Task<VelroGeneration> GenerateAsync(VelroGenerationRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        VelroGeneration created = await CreateGenerationAsync(request, cancellationToken).ConfigureAwait(false);
        VelroClientOptions options = _services.Options;
        var job = new JobWait(Provider, "generate", created.Id, options.PollInterval, options.JobTimeout, _services.Setting(nameof(VelroClientOptions.JobTimeout)), _services.TimeProvider);

        // The create's answer is the first status: no request to learn that a new generation is pending.
        VelroGeneration? first = created;
        return await JobPoller.WaitAsync(
            job,
            async token =>
            {
                if (Interlocked.Exchange(ref first, null) is { } known)
                {
                    return known;
                }

                try
                {
                    return await ReadGenerationAsync(created.Id, options, token).ConfigureAwait(false);
                }
                catch (GenerationException e) when (e.Kind != GenerationErrorKind.Timeout)
                {
                    // The job may still finish: say which one, so it can be read again later.
                    throw VelroErrors.Refine(e, $"{Provider}: reading generation {created.Id} failed; it may still finish, read it with GetGenerationAsync(\"{created.Id}\")");
                }
            },
            Interpret,
            progress,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<VelroUser> GetCurrentUserAsync(CancellationToken cancellationToken = default)
    {
        VelroClientOptions options = _services.Options;
        using var request = new HttpRequestMessage(HttpMethod.Get, options.CurrentUserPath);
        request.SetOperationName("me");
        request.SetRetryAfterAmbiguousFailure(true);
        try
        {
            return await ProviderCalls.SendForJsonAsync(_services.CreateClient(), request, VelroJsonContext.Default.VelroUser, Provider, cancellationToken).ConfigureAwait(false);
        }
        catch (GenerationException e)
        {
            throw VelroErrors.Refine(e);
        }
    }

    /// <inheritdoc/>
    public Task<ProviderProbeResult> ProbeAsync(CancellationToken cancellationToken = default)
        => new VelroDiagnosis(_services).RunAsync(cancellationToken);

    /// <inheritdoc/>
    public Task<ProviderProbeResult> DiagnoseAsync(CancellationToken cancellationToken = default) => ProbeAsync(cancellationToken);

    private static JobPoll<VelroGeneration> Interpret(VelroGeneration generation) => generation.Status switch
    {
        VelroGenerationStatus.Completed when generation.OutputUrls.Count > 0 || !string.IsNullOrEmpty(generation.MediaUrl)
            => JobPoll<VelroGeneration>.Done(generation, "completed"),
        VelroGenerationStatus.Completed => JobPoll<VelroGeneration>.Failed(VelroErrors.CompletedWithoutOutput(generation), "completed"),
        VelroGenerationStatus.Failed => JobPoll<VelroGeneration>.Failed(VelroErrors.JobFailed(generation), "failed"),
        VelroGenerationStatus.Cancelled => JobPoll<VelroGeneration>.Failed(VelroErrors.JobCancelled(generation), "cancelled"),
        _ => JobPoll<VelroGeneration>.Running(generation.Status.ToString().ToLowerInvariant()),
    };

    private async Task<VelroModelCatalog> GetCatalogAsync(VelroClientOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await _registry.GetAsync(options.ModelCacheDuration, cancellationToken).ConfigureAwait(false);
        }
        catch (GenerationException e)
        {
            throw VelroErrors.Refine(e);
        }
    }

    private async Task<IReadOnlyList<VelroModel>> ReadModelsAsync(CancellationToken cancellationToken)
    {
        VelroClientOptions options = _services.Options;
        using var request = new HttpRequestMessage(HttpMethod.Get, options.ModelsPath);
        request.SetOperationName("models");
        request.SetRetryAfterAmbiguousFailure(true);
        VelroModelsResponse registry = await ProviderCalls.SendForJsonAsync(_services.CreateClient(), request, VelroJsonContext.Default.VelroModelsResponse, Provider, cancellationToken).ConfigureAwait(false);
        if (registry.Models is not { Count: > 0 } models)
        {
            throw new GenerationException(
                GenerationErrorKind.ServiceUnavailable,
                Provider,
                $"{Provider} models: GET {options.ModelsPath} answered an empty model registry, which Velro does when it cannot read its own model list. No model can be checked, so nothing was sent; try again later.")
            {
                Operation = "models",
                StatusCode = 200,
                Attempts = 1,
            };
        }

        return [.. models.Where(m => !string.IsNullOrEmpty(m.ModelId))];
    }

    private async Task<VelroGeneration> SendCreateAsync(VelroGenerationRequest request, string? parameters, VelroClientOptions options, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, options.GenerationsPath);
        message.SetOperationName("create");
        message.SetModelForTracing(request.ModelId);

        // A paid job: no SetRetryAfterAmbiguousFailure, so RetryNonIdempotentAfterAmbiguousFailure decides. The form
        // is rebuilt for every attempt, re-opening the reference image.
        message.SetContentFactory(VelroForm.Factory(request, parameters));
        return await ProviderCalls.SendForJsonAsync(_services.CreateClient(), message, VelroJsonContext.Default.VelroGeneration, Provider, cancellationToken).ConfigureAwait(false);
    }

    private async Task<VelroGeneration> ReadGenerationAsync(string generationId, VelroClientOptions options, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, options.GenerationsPath.TrimEnd('/') + "/" + Uri.EscapeDataString(generationId));
        request.SetOperationName("poll");
        request.SetRetryAfterAmbiguousFailure(true);
        return await ProviderCalls.SendForJsonAsync(_services.CreateClient(), request, VelroJsonContext.Default.VelroGeneration, Provider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The account's balance, read with one attempt: this check only ever holds a create back for want of credits, so
    /// when it cannot tell (no answer, a refused token that the create will rotate past) the create goes ahead.
    /// </summary>
    private async Task<decimal?> ReadBalanceAsync(VelroClientOptions options, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, options.CurrentUserPath);
        request.SetOperationName("credits check");
        request.SetProbe();
        request.SetTotalTimeout(ProviderCalls.ProbeTimeout);
        try
        {
            VelroUser user = await ProviderCalls.SendForJsonAsync(_services.CreateClient(), request, VelroJsonContext.Default.VelroUser, Provider, cancellationToken).ConfigureAwait(false);
            return user.CreditsBalance;
        }
        catch (GenerationException)
        {
            return null;
        }
    }
}
