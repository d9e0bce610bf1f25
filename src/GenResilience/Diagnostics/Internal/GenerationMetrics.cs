using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GenResilience.Diagnostics.Internal;

/// <summary>
/// The <c>GenResilience</c> meter: requests and their duration, attempts, retries by reason, key rotations and
/// rate-limit waits. Names follow OpenTelemetry's conventions: <c>genresilience.client.*</c>, lower case and dotted,
/// units in UCUM (<c>s</c>) or as an annotation (<c>{attempt}</c>).
/// </summary>
internal sealed class GenerationMetrics
{
    public const string MeterName = "GenResilience";
    public const string ProviderTag = "genresilience.provider";
    public const string OutcomeTag = "genresilience.outcome";
    public const string ReasonTag = "genresilience.reason";
    public const string OperationTag = "genresilience.operation";
    public const string ErrorTypeTag = "error.type";

    private readonly Histogram<double> _requestDuration;

    private readonly Counter<long> _attempts;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _keyRotations;
    private readonly Counter<long> _rateLimitWaits;
    private readonly Histogram<double> _rateLimitWaitDuration;
    private readonly Counter<long> _keyChecks;

    public GenerationMetrics(IMeterFactory meterFactory)
    {
        Meter meter = meterFactory.Create(MeterName);
        _requestDuration = meter.CreateHistogram<double>("genresilience.client.request.duration", "s", "How long requests took through the pipeline, every attempt and wait included, by outcome.");
        _attempts = meter.CreateCounter<long>("genresilience.client.attempts", "{attempt}", "HTTP attempts sent, by outcome.");
        _retries = meter.CreateCounter<long>("genresilience.client.retries", "{retry}", "Retries, by reason.");
        _keyRotations = meter.CreateCounter<long>("genresilience.client.key_rotations", "{rotation}", "API keys taken out of use (rejected or cooling down after a 429).");
        _rateLimitWaits = meter.CreateCounter<long>("genresilience.client.rate_limit.waits", "{wait}", "Requests that waited for a 429 cooldown or the key's pace before sending.");
        _rateLimitWaitDuration = meter.CreateHistogram<double>("genresilience.client.rate_limit.wait.duration", "s", "How long requests waited for a 429 cooldown or the key's pace.");
        _keyChecks = meter.CreateCounter<long>("genresilience.client.key_checks", "{check}", "Key checks sent (GenerationResilienceOptions.KeyCheck), by result: valid, rejected, inconclusive.");
    }

    /// <summary>Gets a value indicating whether anyone listens to the request duration, so timing a request is worth it.</summary>
    public bool RequestDurationEnabled => _requestDuration.Enabled;

    public void Request(string provider, string? operation, string outcome, string? errorType, TimeSpan duration)
    {
        var tags = new TagList
        {
            { ProviderTag, provider },
            { OutcomeTag, outcome },
        };
        if (operation is not null)
        {
            tags.Add(OperationTag, operation);
        }

        if (errorType is not null)
        {
            tags.Add(ErrorTypeTag, errorType);
        }

        _requestDuration.Record(duration.TotalSeconds, tags);
    }

    public void Attempt(string provider, string outcome)
        => _attempts.Add(1, new(ProviderTag, provider), new(OutcomeTag, outcome));

    public void Retry(string provider, string reason)
        => _retries.Add(1, new(ProviderTag, provider), new(ReasonTag, reason));

    public void KeyRotation(string provider, string reason)
        => _keyRotations.Add(1, new(ProviderTag, provider), new(ReasonTag, reason));

    public void RateLimitWait(string provider, TimeSpan wait)
    {
        _rateLimitWaits.Add(1, new KeyValuePair<string, object?>(ProviderTag, provider));
        _rateLimitWaitDuration.Record(wait.TotalSeconds, new KeyValuePair<string, object?>(ProviderTag, provider));
    }

    public void KeyCheck(string provider, string result)
        => _keyChecks.Add(1, new(ProviderTag, provider), new(OutcomeTag, result));
}
