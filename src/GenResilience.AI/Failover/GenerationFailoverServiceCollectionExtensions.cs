using System.Globalization;
using GenResilience;
using GenResilience.AI.Failover.Internal;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers a failover across providers as the app's <see cref="IVideoGenerator"/> or <see cref="IImageGenerator"/>
/// (or a keyed one): calls go to the first target in use and move to the next when one fails in a way another
/// provider could serve. See <see cref="FailoverVideoGenerator"/> and docs/failover.md.
/// </summary>
/// <example>
/// <code>
/// services.AddGenerationClients();
/// services.AddVideoGenerationFailover(
///     targets => targets
///         .Add("flow veo-3.1-fast", sp => sp.GetRequiredService&lt;IUseApiClient&gt;().AsVideoGenerator("veo-3.1-fast"))
///         .Add("velro veo3", sp => sp.GetRequiredService&lt;IVelroClient&gt;().AsVideoGenerator("fal-ai/veo3"))
///         .Add("ltx turbo", sp => sp.GetRequiredService&lt;IUseApiClient&gt;().AsVideoGenerator("ltxv-turbo")),
///     options => options.BreakDuration = TimeSpan.FromMinutes(5));
/// // then: IVideoGenerator videos = provider.GetRequiredService&lt;IVideoGenerator&gt;();
/// </code>
/// </example>
public static class GenerationFailoverServiceCollectionExtensions
{
    /// <summary>Registers a <see cref="FailoverVideoGenerator"/> as the app's <see cref="IVideoGenerator"/> (a singleton).</summary>
    /// <param name="services">The services.</param>
    /// <param name="targets">Adds the targets, in the order calls try them.</param>
    /// <param name="configure">Sets the circuit and order settings; <see langword="null"/> for the defaults. Checked when the app starts.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddVideoGenerationFailover(
        this IServiceCollection services,
        Action<GenerationFailoverBuilder<IVideoGenerator>> targets,
        Action<GenerationFailoverOptions>? configure = null)
        => services.AddKeyedVideoGenerationFailover(serviceKey: null, targets, configure);

    /// <summary>Registers a <see cref="FailoverVideoGenerator"/> as a keyed <see cref="IVideoGenerator"/> (a singleton).</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key to resolve it by; <see langword="null"/> for the app's unkeyed <see cref="IVideoGenerator"/>.</param>
    /// <param name="targets">Adds the targets, in the order calls try them.</param>
    /// <param name="configure">Sets the circuit and order settings; <see langword="null"/> for the defaults. Checked when the app starts.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddKeyedVideoGenerationFailover(
        this IServiceCollection services,
        object? serviceKey,
        Action<GenerationFailoverBuilder<IVideoGenerator>> targets,
        Action<GenerationFailoverOptions>? configure = null)
    {
        Func<IServiceProvider, FailoverRouter<IVideoGenerator>> router = Register(services, "video", serviceKey, targets, configure);
        return serviceKey is null
            ? services.AddSingleton<IVideoGenerator>(sp => new FailoverVideoGenerator(router(sp)))
            : services.AddKeyedSingleton<IVideoGenerator>(serviceKey, (sp, _) => new FailoverVideoGenerator(router(sp)));
    }

    /// <summary>Registers a <see cref="FailoverImageGenerator"/> as the app's <see cref="IImageGenerator"/>, with Microsoft.Extensions.AI's <c>AddImageGenerator</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="targets">Adds the targets, in the order calls try them.</param>
    /// <param name="configure">Sets the circuit and order settings; <see langword="null"/> for the defaults. Checked when the app starts.</param>
    /// <returns>Microsoft.Extensions.AI's builder, for middleware around the failover (<c>.UseLogging()</c>, <c>.UseOpenTelemetry()</c>, ...).</returns>
    public static ImageGeneratorBuilder AddImageGenerationFailover(
        this IServiceCollection services,
        Action<GenerationFailoverBuilder<IImageGenerator>> targets,
        Action<GenerationFailoverOptions>? configure = null)
    {
        Func<IServiceProvider, FailoverRouter<IImageGenerator>> router = Register(services, "image", serviceKey: null, targets, configure);
        return services.AddImageGenerator(sp => new FailoverImageGenerator(router(sp)));
    }

    /// <summary>Registers a <see cref="FailoverImageGenerator"/> as a keyed <see cref="IImageGenerator"/>, with Microsoft.Extensions.AI's <c>AddKeyedImageGenerator</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="serviceKey">The key to resolve it by.</param>
    /// <param name="targets">Adds the targets, in the order calls try them.</param>
    /// <param name="configure">Sets the circuit and order settings; <see langword="null"/> for the defaults. Checked when the app starts.</param>
    /// <returns>Microsoft.Extensions.AI's builder, for middleware around the failover.</returns>
    public static ImageGeneratorBuilder AddKeyedImageGenerationFailover(
        this IServiceCollection services,
        object? serviceKey,
        Action<GenerationFailoverBuilder<IImageGenerator>> targets,
        Action<GenerationFailoverOptions>? configure = null)
    {
        Func<IServiceProvider, FailoverRouter<IImageGenerator>> router = Register(services, "image", serviceKey, targets, configure);
        return services.AddKeyedImageGenerator(serviceKey, sp => new FailoverImageGenerator(router(sp)));
    }

    /// <summary>The options name of one registration: its own settings, checked when the app starts.</summary>
    internal static string OptionsName(string medium, object? serviceKey)
        => "GenResilience.Failover." + medium + (serviceKey is null ? string.Empty : ":" + Convert.ToString(serviceKey, CultureInfo.InvariantCulture));

    private static Func<IServiceProvider, FailoverRouter<TGenerator>> Register<TGenerator>(
        IServiceCollection services,
        string medium,
        object? serviceKey,
        Action<GenerationFailoverBuilder<TGenerator>> targets,
        Action<GenerationFailoverOptions>? configure)
        where TGenerator : class, IDisposable
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(targets);

        // The targets are listed now, so a mistake in a name or cost shows at registration; they are made at first use.
        var builder = new GenerationFailoverBuilder<TGenerator>();
        targets(builder);

        string name = OptionsName(medium, serviceKey);
        OptionsBuilder<GenerationFailoverOptions> options = services.AddOptions<GenerationFailoverOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GenerationFailoverOptions>, GenerationFailoverOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<GenerationFailoverMetrics>();

        return sp => new FailoverRouter<TGenerator>(
            medium,
            builder.Build(sp),
            sp.GetRequiredService<IOptionsMonitor<GenerationFailoverOptions>>().Get(name),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger(GenerationFailoverConstants.LoggerCategory),
            sp.GetRequiredService<GenerationFailoverMetrics>(),
            ownsMetrics: false);
    }
}
