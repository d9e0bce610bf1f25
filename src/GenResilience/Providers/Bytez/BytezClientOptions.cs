using System.Globalization;
using GenResilience.Diagnostics.Internal;

namespace GenResilience;

/// <summary>
/// Settings of the Bytez client (<c>api.bytez.com</c>): the pipeline's settings with Bytez's defaults, plus the
/// timeouts of image and video calls, the client-side concurrency limit with its priority queue, and the model check.
/// </summary>
public sealed class BytezClientOptions : GenerationProviderOptions
{
    /// <summary>The public Bytez address.</summary>
    public static readonly Uri DefaultBaseAddress = new("https://api.bytez.com");

    /// <summary>The default <see cref="ImageTimeout"/>: 90 seconds.</summary>
    public static readonly TimeSpan DefaultImageTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The default <see cref="VideoTimeout"/>: 180 seconds.</summary>
    public static readonly TimeSpan DefaultVideoTimeout = TimeSpan.FromSeconds(180);

    /// <summary>
    /// Initializes a new instance of the <see cref="BytezClientOptions"/> class: <c>https://api.bytez.com</c>,
    /// <c>Authorization: Key</c>, keys rejected by 401, 403 (how Bytez answers a bad key) and 402 (that key's credits
    /// are spent), the <see cref="BytezOutcomeClassifier"/> for errors sent inside a 200 body, and a key check
    /// (<c>GET /models/v2/list/tasks</c>, which needs a valid key and costs nothing).
    /// </summary>
    public BytezClientOptions()
    {
        BaseAddress = DefaultBaseAddress;
        ApiKeyScheme = "Key";
        KeyRejectedStatusCodes = [401, 403, 402];
        Classifier = BytezOutcomeClassifier.Instance;
        KeyCheck = () => new HttpRequestMessage(HttpMethod.Get, ApiPath + "list/tasks");
    }

    /// <summary>
    /// Gets or sets the path of the Bytez API under <see cref="GenerationProviderOptions.BaseAddress"/>: models run at
    /// <c>{ApiPath}{modelId}</c> and are listed at <c>{ApiPath}list/models</c>. Change it to follow an API revision.
    /// </summary>
    /// <value>The default is <c>models/v2/</c>.</value>
    public string ApiPath { get; set; } = "models/v2/";

    /// <summary>
    /// Gets or sets the timeout of each attempt of <see cref="IBytezClient.GenerateImageAsync(string, string, IReadOnlyDictionary{string, object}?, CancellationToken)"/>.
    /// </summary>
    /// <value>The default is 90 seconds.</value>
    public TimeSpan ImageTimeout { get; set; } = DefaultImageTimeout;

    /// <summary>
    /// Gets or sets the timeout of each attempt of <see cref="IBytezClient.GenerateVideoAsync(string, string, IReadOnlyDictionary{string, object}?, CancellationToken)"/>.
    /// </summary>
    /// <value>The default is 180 seconds.</value>
    public TimeSpan VideoTimeout { get; set; } = DefaultVideoTimeout;

    /// <summary>
    /// Gets or sets how many model runs this client sends at once. Bytez plans allow few concurrent requests (the free
    /// plan one); with this set to the plan's number, further runs wait in the client's queue instead of drawing 429s.
    /// Queued runs start in order of <see cref="BytezRequest.Priority"/>, first come first served within a priority.
    /// </summary>
    /// <value>The default is <see langword="null"/>: no limit, no queue.</value>
    public int? MaxConcurrentRequests { get; set; }

    /// <summary>
    /// Gets or sets how many runs may wait for a free slot when <see cref="MaxConcurrentRequests"/> are in flight. A run
    /// that finds the queue full fails at once with <see cref="GenerationErrorKind.RateLimited"/>, without being sent.
    /// </summary>
    /// <value>The default is 100; 0 queues nothing.</value>
    public int MaxQueueLength { get; set; } = 100;

    /// <summary>
    /// Gets or sets how many later runs of a higher priority may start before a queued run. A run passed over this many
    /// times starts next, so no run waits forever behind a stream of high-priority ones.
    /// </summary>
    /// <value>The default is 10; 0 starts queued runs strictly in arrival order, whatever their priority.</value>
    public int QueueOvertakeLimit { get; set; } = 10;

    /// <summary>
    /// Gets or sets a value indicating whether a model id is looked up in Bytez's model list before a paid run, so that
    /// an unknown id fails with <see cref="GenerationErrorKind.ModelNotFound"/> and the close matches, without a run.
    /// When the list cannot be read, the run goes ahead.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ValidateModelIds { get; set; } = true;

    /// <summary>
    /// Gets or sets how long a model list read from Bytez is reused, by <see cref="IBytezClient.ListModelsAsync"/> and
    /// by the model check.
    /// </summary>
    /// <value>The default is 5 minutes; zero reads the list every time.</value>
    public TimeSpan ModelListCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <inheritdoc/>
    internal override void ValidateProviderSettings(string section, ICollection<string> failures)
    {
        if (string.IsNullOrWhiteSpace(ApiPath) || ApiPath.Contains("://", StringComparison.Ordinal) || ApiPath.StartsWith('/') || !ApiPath.EndsWith('/'))
        {
            failures.Add($"{section}:ApiPath ('{ApiPath}') must be a relative path that ends with '/', such as models/v2/.");
        }

        CheckTimeout(section, nameof(ImageTimeout), ImageTimeout, failures);
        CheckTimeout(section, nameof(VideoTimeout), VideoTimeout, failures);

        if (MaxConcurrentRequests is < 1 or > 100_000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{section}:MaxConcurrentRequests ({MaxConcurrentRequests}) must be between 1 and 100000, or empty for no limit."));
        }

        if (MaxQueueLength is < 0 or > 1_000_000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{section}:MaxQueueLength ({MaxQueueLength}) must be between 0 and 1000000."));
        }

        if (QueueOvertakeLimit is < 0 or > 1_000_000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{section}:QueueOvertakeLimit ({QueueOvertakeLimit}) must be between 0 and 1000000."));
        }

        if (ModelListCacheDuration < TimeSpan.Zero || ModelListCacheDuration > TimeSpan.FromDays(1))
        {
            failures.Add($"{section}:ModelListCacheDuration ({Durations.Format(ModelListCacheDuration)}) must be between zero and a day.");
        }
    }

    private void CheckTimeout(string section, string name, TimeSpan value, ICollection<string> failures)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            failures.Add($"{section}:{name} ({Durations.Format(value)}) must be more than zero and at most a day.");
        }
        else if (TotalTimeout is { } total && value > total)
        {
            failures.Add($"{section}:{name} ({Durations.Format(value)}) is longer than {section}:TotalTimeout ({Durations.Format(total)}); an attempt could never use it all. Make TotalTimeout the larger.");
        }
    }
}
