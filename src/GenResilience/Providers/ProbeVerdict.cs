namespace GenResilience;

/// <summary>What a probe of one endpoint says about it.</summary>
public enum ProbeVerdict
{
    /// <summary>The endpoint answered and accepted the credentials (a 429 counts: the service is up, only busy).</summary>
    Ok = 0,

    /// <summary>The service is down or unreachable: 5xx, Cloudflare 522/523/524, a timeout or a network error.</summary>
    Outage,

    /// <summary>The credentials were refused: 401 or 403.</summary>
    AuthProblem,

    /// <summary>The request is wrong for this service: 400, 404, 405, 422 (a wrong path or base address, a retired endpoint).</summary>
    Misconfigured,
}
