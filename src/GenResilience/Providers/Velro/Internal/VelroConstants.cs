namespace GenResilience.Providers.Velro.Internal;

/// <summary>
/// Velro's paths, limits and the client's defaults, in one place. Sources: <c>shared/PROVIDERS.md</c> §3 (the FastAPI
/// backend audithero/velro-backend: routers/generations.py, models/fal_config.py, main.py).
/// </summary>
internal static class VelroConstants
{
    public const string ProviderName = "Velro";

    public const string DefaultGenerationsPath = "/api/v1/generations";
    public const string DefaultModelsPath = "/api/v1/generations/models/supported";
    public const string DefaultCurrentUserPath = "/api/v1/auth/me";
    public const string DefaultHealthPath = "/health";

    /// <summary>The create endpoint refuses a larger reference image (413).</summary>
    public const long MaxReferenceImageBytes = 20L * 1024 * 1024;

    /// <summary>A model id no registry holds: the diagnosis sends it so that the create endpoint answers 400 and generates nothing.</summary>
    public const string DryRunModelId = "genresilience/diagnosis-dry-run";

    public static readonly TimeSpan DefaultModelCacheDuration = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Velro's background task gives fal.ai 300 s per attempt, three attempts 5 s apart (services/generation_service.py):
    /// about 15 minutes at worst, plus the queue before it.
    /// </summary>
    public static readonly TimeSpan DefaultJobTimeout = TimeSpan.FromMinutes(20);

    public static readonly TimeSpan MinPollInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxPollInterval = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MinJobTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);
}
