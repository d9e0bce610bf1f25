using GenResilience;
using GenResilience.DependencyInjection.Internal;
using GenResilience.Resilience.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds the GenResilience pipeline to any <see cref="HttpClient"/> built by <see cref="IHttpClientFactory"/>.
/// </summary>
public static partial class GenerationResilienceHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds the GenResilience pipeline with default options: server errors retried after 5 s, 15 s and 30 s,
    /// 429s honoured, 60 s per attempt.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IHttpClientBuilder AddGenerationResilience(this IHttpClientBuilder builder)
        => AddGenerationResilienceCore(builder, static _ => { });

    /// <summary>
    /// Adds the GenResilience pipeline configured by <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="configure">Sets the options; they are validated when the app starts.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IHttpClientBuilder AddGenerationResilience(this IHttpClientBuilder builder, Action<GenerationResilienceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddGenerationResilienceCore(builder, options => options.Configure(configure));
    }

    /// <summary>
    /// Adds the GenResilience pipeline configured from <paramref name="section"/>, reloaded when it changes.
    /// Lists in the section replace their defaults.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="section">The section holding <see cref="GenerationResilienceOptions"/>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static IHttpClientBuilder AddGenerationResilience(this IHttpClientBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return AddGenerationResilienceCore(builder, options =>
        {
            options.Configure(o => GenerationConfigurationBinder.Bind(section, o));
            options.Services.AddSingleton<IOptionsChangeTokenSource<GenerationResilienceOptions>>(
                new ConfigurationChangeTokenSource<GenerationResilienceOptions>(options.Name, section));
        });
    }

    private static IHttpClientBuilder AddGenerationResilienceCore(IHttpClientBuilder builder, Action<OptionsBuilder<GenerationResilienceOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string name = builder.Name;

        // Validated on start and on every change by the pipeline itself (see GenerationClientContext.Options), not by
        // validators on the options type: with those, an invalid reload throws inside the configuration's reload
        // callback and from every later read, instead of leaving the last valid options in force.
        configure(builder.Services.AddOptions<GenerationResilienceOptions>(name));

        return builder.AddGenerationPipeline(new GenerationClientDefinition(
            ClientName: name,
            Provider: name,
            BindOptions: services =>
            {
                IOptionsMonitor<GenerationResilienceOptions> monitor = services.GetRequiredService<IOptionsMonitor<GenerationResilienceOptions>>();
                return () => monitor.Get(name);
            },
            Validate: services => Validate(name, services.GetRequiredService<IOptionsMonitor<GenerationResilienceOptions>>().Get(name)),
            SettingFormat: "GenerationResilienceOptions.{0}",
            KeysSetting: "GenerationResilienceOptions.ApiKeys",
            EnableReloads: context => context.EnableReloads<GenerationResilienceOptions>(name)));
    }

    /// <summary>What is wrong with one client's options; each message names the client, as an app may have several.</summary>
    private static IReadOnlyList<string> Validate(string name, GenerationResilienceOptions options)
    {
        var failures = new List<string>();
        GenerationResilienceRules.CheckAnnotations(options, "GenerationResilienceOptions", failures);
        GenerationResilienceRules.Check(options, "GenerationResilienceOptions.{0}", failures);
        return [.. failures.Select(f => $"HttpClient '{name}': {f}")];
    }
}
