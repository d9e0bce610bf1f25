using System.Diagnostics.Metrics;
using GenResilience.AI.Failover.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GenResilience;

/// <summary>
/// An <see cref="IVideoGenerator"/> that sends each call to the first of its targets that is in use, and moves it to the
/// next when a target fails in a way another provider could serve: for example Google Flow <c>veo-3.1-fast</c> on
/// UseAPI, then Velro <c>fal-ai/veo3</c>, then UseAPI <c>ltxv-turbo</c>.
/// </summary>
/// <remarks>
/// <para>
/// A failure another target could serve (<see cref="GenerationErrorKind.ServiceUnavailable"/>,
/// <see cref="GenerationErrorKind.Timeout"/>, <see cref="GenerationErrorKind.RateLimited"/> past its budget,
/// <see cref="GenerationErrorKind.NoAccountAvailable"/>, <see cref="GenerationErrorKind.InsufficientCredits"/>,
/// <see cref="GenerationErrorKind.Unauthorized"/>, <see cref="GenerationErrorKind.ModelNotFound"/>,
/// <see cref="GenerationErrorKind.JobFailed"/>, <see cref="GenerationErrorKind.JobExpired"/>,
/// <see cref="GenerationErrorKind.Unknown"/>) moves the call on. A failure about the request
/// (<see cref="GenerationErrorKind.InvalidRequest"/>, <see cref="GenerationErrorKind.ContentRejected"/>), the caller's
/// cancellation, and any exception that is not a <see cref="GenerationException"/> end the call as they are. A failure
/// that may have started a paid job (<see cref="GenerationException.MayHaveStartedWork"/>) ends it too, unless
/// <see cref="GenerationFailoverOptions.AllowDuplicateAfterAmbiguousFailure"/> is on.
/// </para>
/// <para>
/// Each target has a Polly circuit breaker on the <see cref="TimeProvider"/>, shared by every call through this
/// instance: a target that keeps failing is passed by for <see cref="GenerationFailoverOptions.BreakDuration"/>, then
/// a trial call goes to it, and a success brings it back. The response's <see cref="VideoGenerationResponse.Failover"/>
/// says which target served the call and which were passed by, and why. When no target can serve the call, one
/// <see cref="GenerationException"/> names each target's failure. See docs/failover.md.
/// </para>
/// <para>Thread-safe. Register it with <c>services.AddVideoGenerationFailover(...)</c>, or make one with this constructor.</para>
/// </remarks>
public sealed class FailoverVideoGenerator : IVideoGenerator
{
    private readonly FailoverRouter<IVideoGenerator> _router;
    private readonly VideoGeneratorMetadata _metadata = new(GenerationFailoverConstants.ProviderName, ProviderUri: null, DefaultModelId: null);

    /// <summary>Initializes a new instance of the <see cref="FailoverVideoGenerator"/> class.</summary>
    /// <param name="targets">The targets, in the order calls try them (or cheapest first: <see cref="GenerationFailoverOptions.PreferCheapest"/>). They stay the caller's to dispose.</param>
    /// <param name="options">The circuit and order settings; <see langword="null"/> for the defaults. Read once, here.</param>
    /// <param name="timeProvider">The clock of the circuits; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">For the failover's log lines (category <c>GenResilience.Failover</c>); <see langword="null"/> for none.</param>
    /// <param name="meterFactory">For the <c>genresilience.failover.switches</c> counter on the <c>GenResilience</c> meter; <see langword="null"/> for a meter of its own.</param>
    /// <exception cref="ArgumentException">No targets, two targets with one name, or invalid options; the message says which.</exception>
    public FailoverVideoGenerator(
        IEnumerable<GenerationFailoverTarget<IVideoGenerator>> targets,
        GenerationFailoverOptions? options = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        _router = new FailoverRouter<IVideoGenerator>(
            "video",
            targets.Select(t => (t, false)),
            options ?? new GenerationFailoverOptions(),
            timeProvider ?? TimeProvider.System,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(GenerationFailoverConstants.LoggerCategory),
            GenerationFailoverMetrics.Create(meterFactory),
            ownsMetrics: true);
    }

    /// <summary>Initializes a new instance of the <see cref="FailoverVideoGenerator"/> class from DI: targets it made itself are its to dispose.</summary>
    internal FailoverVideoGenerator(FailoverRouter<IVideoGenerator> router)
    {
        _router = router;
    }

    /// <summary>Gets the targets, in the order they were added.</summary>
    public IReadOnlyList<GenerationFailoverTarget<IVideoGenerator>> Targets => [.. _router.Targets.Select(t => t.Target)];

    /// <inheritdoc/>
    /// <remarks>
    /// <paramref name="options"/> and <paramref name="progress"/> go to each target the call reaches. Leave
    /// <see cref="VideoGenerationOptions.ModelId"/> unset so that each target uses its own model; a model id set here is
    /// sent to every target as it is.
    /// </remarks>
    public async Task<VideoGenerationResponse> GenerateAsync(
        VideoGenerationRequest request,
        VideoGenerationOptions? options = null,
        IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        (VideoGenerationResponse response, GenerationFailoverReport report) = await _router.RunAsync(
            (generator, token) => generator.GenerateAsync(request, options, progress, token),
            cancellationToken).ConfigureAwait(false);
        response.Failover = report;
        return response;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Its own <see cref="VideoGeneratorMetadata"/> (provider <c>failover</c>) and itself; any other service is asked of
    /// each target in the order they were added (a provider client, a target's own metadata by key, ...).
    /// </remarks>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null && serviceType.IsInstanceOfType(_metadata))
        {
            return _metadata;
        }

        if (serviceKey is null && serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        return _router.GetService(serviceType, serviceKey, static (generator, type, key) => generator.GetService(type, key));
    }

    /// <summary>Disposes the targets the failover made from DI factories; targets passed to the constructor stay the caller's.</summary>
    public void Dispose() => _router.Dispose();
}
