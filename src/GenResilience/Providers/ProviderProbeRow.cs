using System.Globalization;

namespace GenResilience;

/// <summary>
/// The probe of one endpoint: what was called, what came back, how long it took and what it means.
/// </summary>
/// <param name="Endpoint">What was probed, for example <c>GET /v2/account</c> or <c>key …a1b2</c>.</param>
/// <param name="StatusCode">The HTTP status, or <see langword="null"/> when no answer came.</param>
/// <param name="Latency">How long the probe took.</param>
/// <param name="Verdict">What the answer means.</param>
/// <param name="Detail">The service's error text or the network error, shortened; never a key.</param>
public sealed record ProviderProbeRow(string Endpoint, int? StatusCode, TimeSpan Latency, ProbeVerdict Verdict, string? Detail = null)
{
    /// <summary>The verdict a status means: 2xx and 429 Ok; 401, 403 AuthProblem; other 4xx Misconfigured; the rest Outage.</summary>
    /// <param name="statusCode">The HTTP status, or <see langword="null"/> for no answer.</param>
    /// <returns>The verdict.</returns>
    public static ProbeVerdict VerdictFor(int? statusCode) => statusCode switch
    {
        null => ProbeVerdict.Outage,
        >= 200 and < 400 or 429 => ProbeVerdict.Ok,
        401 or 403 => ProbeVerdict.AuthProblem,
        >= 400 and < 500 => ProbeVerdict.Misconfigured,
        _ => ProbeVerdict.Outage,
    };

    /// <inheritdoc/>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Endpoint}: {(StatusCode is { } status ? status.ToString(CultureInfo.InvariantCulture) : "no answer")} in {Latency.TotalMilliseconds:0}ms, {Verdict}{(Detail is null ? string.Empty : " (" + Detail + ")")}");
}
