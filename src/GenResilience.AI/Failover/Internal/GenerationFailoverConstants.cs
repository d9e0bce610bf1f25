namespace GenResilience.AI.Failover.Internal;

/// <summary>The defaults of <see cref="GenerationFailoverOptions"/> and the failover's names, in one place.</summary>
internal static class GenerationFailoverConstants
{
    /// <summary>The provider name of a failover's metadata and of its own errors.</summary>
    public const string ProviderName = "failover";

    public const string LoggerCategory = "GenResilience.Failover";

    public const double DefaultFailureRatio = 0.5;

    /// <summary>Polly's least: a target is judged on two calls.</summary>
    public const int DefaultMinimumThroughput = 2;

    /// <summary>As long as UseAPI's own VEO circuit (<c>UseApiClientOptions.EmergencyBreakDuration</c>): a trial every 2 minutes of an outage.</summary>
    public static readonly TimeSpan DefaultBreakDuration = TimeSpan.FromMinutes(2);

    /// <summary>Video calls take minutes: a window of Polly's 30 s would rarely hold two of them.</summary>
    public static readonly TimeSpan DefaultSamplingDuration = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan MinimumDuration = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaximumDuration = TimeSpan.FromDays(1);
}
