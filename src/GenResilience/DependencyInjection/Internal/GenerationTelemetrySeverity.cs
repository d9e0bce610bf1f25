using GenResilience.Resilience.Internal;
using Microsoft.Extensions.Options;
using Polly.Telemetry;

namespace GenResilience.DependencyInjection.Internal;

/// <summary>
/// Lowers the severity of Polly's own events for GenResilience's strategies: a handled attempt and a retry are
/// routine (GenResilience logs them itself, at Information); only a timeout stays a warning. Other pipelines of the
/// app keep whatever severity the app chose: the app's provider is wrapped, not replaced.
/// </summary>
internal sealed class GenerationTelemetrySeverity : IConfigureOptions<TelemetryOptions>
{
    public void Configure(TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Func<SeverityProviderArguments, ResilienceEventSeverity>? previous = options.SeverityProvider;
        options.SeverityProvider = args =>
            args.Source.StrategyName is { } strategy && strategy.StartsWith(GenerationPipelineKeys.HandlerName + ".", StringComparison.Ordinal)
                ? args.Event.EventName switch
                {
                    "OnTimeout" => ResilienceEventSeverity.Warning,
                    _ => ResilienceEventSeverity.Debug,
                }
                : previous?.Invoke(args) ?? args.Event.Severity;
    }
}
