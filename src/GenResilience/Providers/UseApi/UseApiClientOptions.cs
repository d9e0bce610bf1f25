using System.ComponentModel.DataAnnotations;
using System.Globalization;
using GenResilience.Resilience.Internal;

namespace GenResilience;

/// <summary>
/// Settings of the UseAPI client (LTX Studio and Google Flow through <c>api.useapi.net</c>).
/// </summary>
public sealed class UseApiClientOptions : GenerationProviderOptions
{
    /// <summary>The public UseAPI address.</summary>
    public static readonly Uri DefaultBaseAddress = new("https://api.useapi.net");

    /// <summary>
    /// Initializes a new instance of the <see cref="UseApiClientOptions"/> class: <c>https://api.useapi.net</c>,
    /// <c>Authorization: Bearer</c>, Cloudflare's 524 retried along with 522 and 523, a 5 s wait after a 429 without
    /// <c>Retry-After</c> (as UseAPI's docs advise), UseAPI's "query is full" 429
    /// read as a full account rather than a rate limit, and each token checked once with <c>GET /v2/account</c>.
    /// </summary>
    public UseApiClientOptions()
    {
        BaseAddress = DefaultBaseAddress;
        ApiKeyScheme = "Bearer";
        RetryStatusCodes = [500, 502, 503, 504, 522, 523, 524];

        // UseAPI sends no Retry-After; its docs say to wait 5-10 seconds after a 429.
        RateLimitDelay = TimeSpan.FromSeconds(5);
        Classifier = UseApiOutcomeClassifier.Instance;
        KeyCheck = () => new HttpRequestMessage(HttpMethod.Get, AccountPath);
    }

    /// <summary>
    /// Gets or sets the LTX Studio accounts behind the token. With none, requests name no account and UseAPI picks its
    /// only one; with several, each request goes to an account that serves its model and has the balance for it.
    /// </summary>
    /// <value>The default is empty.</value>
    public IList<UseApiAccountOptions> Accounts { get; set; } = new List<UseApiAccountOptions>();

    /// <summary>Gets or sets the pause between two looks at a running job.</summary>
    /// <value>The default is 10 seconds.</value>
    [TimeSpanRange("00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long a wait for a job may last in all.</summary>
    /// <value>The default is 15 minutes.</value>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan JobTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Gets or sets a value indicating whether <see cref="IUseApiClient.GenerateVideoAsync"/> runs a VEO request on
    /// <see cref="FallbackModel"/> while VEO is failing (after its retries), and goes back to VEO by itself once a trial
    /// VEO call succeeds.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool EnableEmergencyFallback { get; set; } = true;

    /// <summary>Gets or sets the model that serves VEO requests while VEO is failing.</summary>
    /// <value>The default is <see cref="UseApiModel.LtxvTurbo"/>.</value>
    public UseApiModel FallbackModel { get; set; } = UseApiModel.LtxvTurbo;

    /// <summary>Gets or sets how long VEO stays out of use once it is judged to be failing, before a trial VEO call.</summary>
    /// <value>The default is 2 minutes.</value>
    [TimeSpanRange("00:00:00.500", "1.00:00:00")]
    public TimeSpan EmergencyBreakDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gets or sets a value indicating whether <see cref="IUseApiClient.GenerateVideoAsync"/> goes on without the
    /// reference image when its upload still fails after retries (and says so in the result's warnings).
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ContinueWithoutReferenceImage { get; set; } = true;

    /// <summary>Gets or sets how long an account's balance is trusted before it is read again.</summary>
    /// <value>The default is 1 minute; a job start reads it again anyway.</value>
    [TimeSpanRange("00:00:00", "01:00:00")]
    public TimeSpan BalanceCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the path of LTX model creates.</summary>
    /// <value>The default is <c>/v1/ltxstudio/videos/ltx-create</c>.</value>
    [Required]
    public string LtxCreatePath { get; set; } = "/v1/ltxstudio/videos/ltx-create";

    /// <summary>Gets or sets the path of VEO model creates.</summary>
    /// <value>The default is <c>/v1/ltxstudio/videos/veo-create</c>.</value>
    [Required]
    public string VeoCreatePath { get; set; } = "/v1/ltxstudio/videos/veo-create";

    /// <summary>Gets or sets the path of assets: jobs are read at <c>{AssetsPath}{jobId}</c>, uploads posted to it.</summary>
    /// <value>The default is <c>/v1/ltxstudio/assets/</c>.</value>
    [Required]
    public string AssetsPath { get; set; } = "/v1/ltxstudio/assets/";

    /// <summary>Gets or sets the path of an account, read at <c>{AccountsPath}{email}</c> for its balance.</summary>
    /// <value>The default is <c>/v1/ltxstudio/accounts/</c>.</value>
    [Required]
    public string AccountsPath { get; set; } = "/v1/ltxstudio/accounts/";

    /// <summary>Gets or sets the path of the scheduler: free job slots per account and the jobs executing.</summary>
    /// <value>The default is <c>/v1/ltxstudio/scheduler/available</c>.</value>
    [Required]
    public string SchedulerPath { get; set; } = "/v1/ltxstudio/scheduler/available";

    /// <summary>Gets or sets the path of Google Flow video creates.</summary>
    /// <value>The default is <c>/v1/google-flow/videos</c>.</value>
    [Required]
    public string FlowVideosPath { get; set; } = "/v1/google-flow/videos";

    /// <summary>Gets or sets the path of Google Flow jobs, read at <c>{FlowJobsPath}{jobId}</c>.</summary>
    /// <value>The default is <c>/v1/google-flow/jobs/</c>.</value>
    [Required]
    public string FlowJobsPath { get; set; } = "/v1/google-flow/jobs/";

    /// <summary>Gets or sets the path of the cheap account call used to check a token (<see cref="GenerationResilienceOptions.KeyCheck"/>).</summary>
    /// <value>The default is <c>/v2/account</c>.</value>
    [Required]
    public string AccountPath { get; set; } = "/v2/account";

    internal override void ValidateAnnotations(string section, ICollection<string> failures)
        => Resilience.Internal.GenerationResilienceRules.AddFailures(new Providers.UseApi.Internal.UseApiClientOptionsValidator().Validate(section, this), failures);

    internal override void ValidateProviderSettings(string section, ICollection<string> failures)
    {
        if (Accounts is null)
        {
            failures.Add($"{section}:Accounts is null; leave it empty for a token with one account.");
            return;
        }

        var emails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < Accounts.Count; i++)
        {
            UseApiAccountOptions? account = Accounts[i];
            string setting = string.Create(CultureInfo.InvariantCulture, $"{section}:Accounts:{i}");
            if (account is null)
            {
                failures.Add($"{setting} is null.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(account.Email) || !account.Email.Contains('@', StringComparison.Ordinal))
            {
                failures.Add($"{setting}:Email ('{account.Email}') must be the account's e-mail address.");
            }
            else if (!emails.Add(account.Email.Trim()))
            {
                failures.Add($"{setting}:Email ('{account.Email}') repeats an earlier account; list each account once.");
            }

            if (account.MinimumBalance < 0)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{setting}:MinimumBalance ({account.MinimumBalance}) is negative; use 0 for any balance."));
            }

            foreach (string model in account.Models ?? [])
            {
                if (!UseApiModel.TryParse(model, out _))
                {
                    failures.Add($"{setting}:Models has '{model}', which is not a UseAPI model. Accepted: {UseApiModel.AcceptedNames}.");
                }
            }
        }

        if (FallbackModel is null)
        {
            failures.Add($"{section}:FallbackModel is null; name a model such as ltxv-turbo.");
        }
        else if (FallbackModel.Family == UseApiModelFamily.Veo)
        {
            failures.Add($"{section}:FallbackModel ({FallbackModel}) is a VEO model; the fallback must serve while VEO is down, so choose an LTX or Flow model.");
        }

        if (PollInterval > JobTimeout)
        {
            failures.Add($"{section}:PollInterval is longer than {section}:JobTimeout; a job would be looked at once at most.");
        }
    }
}
