using System.Diagnostics.Metrics;
using GenResilience.AI.Failover.Internal;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GenResilience;

/// <summary>
/// A Microsoft.Extensions.AI <see cref="IImageGenerator"/> that sends each call to the first of its targets that is in
/// use, and moves it to the next when a target fails in a way another provider could serve: for example a Bytez
/// model, then a Velro one. The rules are those of <see cref="FailoverVideoGenerator"/> (see docs/failover.md).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ImageGenerationResponse"/> has no place of its own for extra data, and its <c>RawRepresentation</c> stays
/// the serving provider's result (as every GenResilience image generator documents it). So the
/// <see cref="GenerationFailoverReport"/> is put in the <c>AdditionalProperties</c> of each image, under
/// <see cref="GenerationFailoverReport.AdditionalPropertiesKey"/>, next to the <c>provider</c> and <c>modelId</c> the
/// adapters put there; read it with <see cref="GenerationFailoverImageResponseExtensions.GetFailoverReport"/>.
/// </para>
/// <para>
/// Thread-safe. Register it with <c>services.AddImageGenerationFailover(...)</c>, which returns Microsoft.Extensions.AI's
/// <see cref="ImageGeneratorBuilder"/> for middleware (<c>.UseLogging()</c>, <c>.UseOpenTelemetry()</c>), or make one
/// with this constructor.
/// </para>
/// </remarks>
public sealed class FailoverImageGenerator : IImageGenerator
{
    private readonly FailoverRouter<IImageGenerator> _router;
    private readonly ImageGeneratorMetadata _metadata = new(GenerationFailoverConstants.ProviderName);

    /// <summary>Initializes a new instance of the <see cref="FailoverImageGenerator"/> class.</summary>
    /// <param name="targets">The targets, in the order calls try them (or cheapest first: <see cref="GenerationFailoverOptions.PreferCheapest"/>). They stay the caller's to dispose.</param>
    /// <param name="options">The circuit and order settings; <see langword="null"/> for the defaults. Read once, here.</param>
    /// <param name="timeProvider">The clock of the circuits; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">For the failover's log lines (category <c>GenResilience.Failover</c>); <see langword="null"/> for none.</param>
    /// <param name="meterFactory">For the <c>genresilience.failover.switches</c> counter on the <c>GenResilience</c> meter; <see langword="null"/> for a meter of its own.</param>
    /// <exception cref="ArgumentException">No targets, two targets with one name, or invalid options; the message says which.</exception>
    public FailoverImageGenerator(
        IEnumerable<GenerationFailoverTarget<IImageGenerator>> targets,
        GenerationFailoverOptions? options = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        _router = new FailoverRouter<IImageGenerator>(
            "image",
            targets.Select(t => (t, false)),
            options ?? new GenerationFailoverOptions(),
            timeProvider ?? TimeProvider.System,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(GenerationFailoverConstants.LoggerCategory),
            GenerationFailoverMetrics.Create(meterFactory),
            ownsMetrics: true);
    }

    /// <summary>Initializes a new instance of the <see cref="FailoverImageGenerator"/> class from DI: targets it made itself are its to dispose.</summary>
    internal FailoverImageGenerator(FailoverRouter<IImageGenerator> router)
    {
        _router = router;
    }

    /// <summary>Gets the targets, in the order they were added.</summary>
    public IReadOnlyList<GenerationFailoverTarget<IImageGenerator>> Targets => [.. _router.Targets.Select(t => t.Target)];

    /// <inheritdoc/>
    /// <remarks>
    /// <paramref name="options"/> goes to each target the call reaches. Leave <see cref="ImageGenerationOptions.ModelId"/>
    /// unset so that each target uses its own model; a model id set here is sent to every target as it is.
    /// </remarks>
    public async Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        (ImageGenerationResponse response, GenerationFailoverReport report) = await _router.RunAsync(
            (generator, token) => generator.GenerateAsync(request, options, token),
            cancellationToken).ConfigureAwait(false);
        foreach (AIContent content in response.Contents)
        {
            content.AdditionalProperties ??= [];
            content.AdditionalProperties[GenerationFailoverReport.AdditionalPropertiesKey] = report;
        }

        return response;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Its own <see cref="ImageGeneratorMetadata"/> (provider <c>failover</c>) and itself; any other service is asked of
    /// each target in the order they were added.
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
