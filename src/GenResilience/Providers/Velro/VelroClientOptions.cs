using System.Globalization;
using GenResilience.Diagnostics.Internal;
using GenResilience.Providers.Velro.Internal;

namespace GenResilience;

/// <summary>
/// Settings of the Velro client. Velro is self-hosted, so <see cref="GenerationProviderOptions.BaseAddress"/> has no default.
/// </summary>
/// <remarks>
/// The paths are absolute paths on the <see cref="GenerationProviderOptions.BaseAddress"/> host (a base address with a
/// path of its own, such as <c>https://example.com/velro/</c>, needs the paths to include it).
/// </remarks>
public sealed class VelroClientOptions : GenerationProviderOptions
{
    /// <summary>
    /// Initializes a new instance of the <see cref="VelroClientOptions"/> class: <c>Authorization: Bearer</c>, Velro's
    /// error dialect (a 4xx is never reported as a server error), and each token checked once with
    /// <c>GET /api/v1/auth/me</c> before its first use. The base address must be set.
    /// </summary>
    public VelroClientOptions()
    {
        ApiKeyScheme = "Bearer";
        Classifier = VelroOutcomeClassifier.Instance;

        // Read when the check is sent, so a configured CurrentUserPath applies.
        KeyCheck = () => new HttpRequestMessage(HttpMethod.Get, new Uri(CurrentUserPath, UriKind.RelativeOrAbsolute));
    }

    /// <summary>
    /// Gets or sets how long the model registry (<c>GET /api/v1/generations/models/supported</c>) is kept before it is
    /// read again. Every create is checked against it before anything is sent. A create that the service refuses with
    /// "not found in registry" reads it again at once.
    /// </summary>
    /// <value>The default is 10 minutes; zero reads it for every call (concurrent calls still share one read). At most a day.</value>
    public TimeSpan ModelCacheDuration { get; set; } = VelroConstants.DefaultModelCacheDuration;

    /// <summary>
    /// Gets or sets the pause between two reads of a generation's status in
    /// <see cref="IVelroClient.GenerateAsync"/>.
    /// </summary>
    /// <value>The default is 3 seconds (Velro allows 60 status reads a minute). 100 ms to 10 minutes.</value>
    public TimeSpan PollInterval { get; set; } = VelroConstants.DefaultPollInterval;

    /// <summary>
    /// Gets or sets how long <see cref="IVelroClient.GenerateAsync"/> waits for a generation to finish after it was
    /// created. The generation may still finish at Velro after that; read it with <see cref="IVelroClient.GetGenerationAsync"/>.
    /// </summary>
    /// <value>
    /// The default is 20 minutes: Velro gives fal.ai 300 s per attempt and three attempts. 1 second to 1 day, and not
    /// shorter than <see cref="PollInterval"/>.
    /// </value>
    public TimeSpan JobTimeout { get; set; } = VelroConstants.DefaultJobTimeout;

    /// <summary>
    /// Gets or sets a value indicating whether a create first reads the account's balance (<c>GET /api/v1/auth/me</c>,
    /// one attempt) and fails with <see cref="GenerationErrorKind.InsufficientCredits"/>, without sending the create,
    /// when the balance is below the model's credits. When the balance cannot be read, the create is sent.
    /// </summary>
    /// <remarks>
    /// The check is made only when <see cref="GenerationResilienceOptions.ApiKeys"/> holds one token: with several, the
    /// create may go out with another token than the one whose balance was read, and each Velro token is a session of
    /// one account, so the balance would not be known; Velro's own 402 then says when credits are short.
    /// </remarks>
    /// <value>The default is <see langword="true"/>.</value>
    public bool CheckCreditsBeforeCreate { get; set; } = true;

    /// <summary>Gets or sets the path of the create endpoint; a generation is read at this path plus <c>/{id}</c>.</summary>
    /// <value>The default is <c>/api/v1/generations</c>.</value>
    public string GenerationsPath { get; set; } = VelroConstants.DefaultGenerationsPath;

    /// <summary>Gets or sets the path of the model registry.</summary>
    /// <value>The default is <c>/api/v1/generations/models/supported</c>.</value>
    public string ModelsPath { get; set; } = VelroConstants.DefaultModelsPath;

    /// <summary>Gets or sets the path of the signed-in account (e-mail, credits balance); also the key check.</summary>
    /// <value>The default is <c>/api/v1/auth/me</c>.</value>
    public string CurrentUserPath { get; set; } = VelroConstants.DefaultCurrentUserPath;

    /// <summary>Gets or sets the path of the health endpoint that the diagnosis calls first, without a token.</summary>
    /// <value>The default is <c>/health</c>.</value>
    public string HealthPath { get; set; } = VelroConstants.DefaultHealthPath;

    /// <inheritdoc/>
    internal override void ValidateProviderSettings(string section, ICollection<string> failures)
    {
        CheckRange(section + ":" + nameof(ModelCacheDuration), ModelCacheDuration, TimeSpan.Zero, VelroConstants.MaxDuration, failures);
        CheckRange(section + ":" + nameof(PollInterval), PollInterval, VelroConstants.MinPollInterval, VelroConstants.MaxPollInterval, failures);
        CheckRange(section + ":" + nameof(JobTimeout), JobTimeout, VelroConstants.MinJobTimeout, VelroConstants.MaxDuration, failures);
        if (JobTimeout < PollInterval && JobTimeout >= VelroConstants.MinJobTimeout)
        {
            failures.Add($"{section}:{nameof(JobTimeout)} ({Durations.Format(JobTimeout)}) is shorter than {section}:{nameof(PollInterval)} ({Durations.Format(PollInterval)}); a generation could never be read twice. Make JobTimeout the larger.");
        }

        CheckPath(section, nameof(GenerationsPath), GenerationsPath, VelroConstants.DefaultGenerationsPath, failures);
        CheckPath(section, nameof(ModelsPath), ModelsPath, VelroConstants.DefaultModelsPath, failures);
        CheckPath(section, nameof(CurrentUserPath), CurrentUserPath, VelroConstants.DefaultCurrentUserPath, failures);
        CheckPath(section, nameof(HealthPath), HealthPath, VelroConstants.DefaultHealthPath, failures);
    }

    private static void CheckRange(string setting, TimeSpan value, TimeSpan min, TimeSpan max, ICollection<string> failures)
    {
        if (value < min || value > max)
        {
            failures.Add($"{setting} ({Durations.Format(value)}) must be between {Durations.Format(min)} and {Durations.Format(max)}.");
        }
    }

    private static void CheckPath(string section, string name, string? value, string example, ICollection<string> failures)
    {
        if (string.IsNullOrEmpty(value) || value[0] != '/' || value.Any(c => char.IsWhiteSpace(c) || c is '?' or '#'))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{section}:{name} ('{value}') must be a path that starts with '/', without spaces or a query, such as {example}."));
        }
    }
}
