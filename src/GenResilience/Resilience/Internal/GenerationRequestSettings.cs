namespace GenResilience.Resilience.Internal;

/// <summary>
/// A request's own settings (<see cref="GenerationHttpRequestMessageExtensions"/>), kept together under one key of
/// <see cref="HttpRequestMessage.Options"/> so the pipeline finds all of them with one look-up, and none at all for a
/// request that has none. Immutable: each setter stores a changed copy, so a message cloned with its options keeps
/// the settings it had.
/// </summary>
internal sealed record GenerationRequestSettings
{
    public static readonly HttpRequestOptionsKey<GenerationRequestSettings> Key = new("GenResilience.Settings");

    public static GenerationRequestSettings Empty { get; } = new();

    public string? Operation { get; init; }

    public TimeSpan? AttemptTimeout { get; init; }

    public TimeSpan? TotalTimeout { get; init; }

    public Func<HttpContent>? ContentFactory { get; init; }

    public bool? RetryAfterAmbiguousFailure { get; init; }

    public bool Probe { get; init; }

    public string? ProbeApiKey { get; init; }

    public Func<CancellationToken, Task<HttpResponseMessage?>>? AmbiguousRetryGuard { get; init; }

    /// <summary>Gets the model the request runs, for its activity; set only while someone traces.</summary>
    public string? Model { get; init; }

    /// <summary>The settings of <paramref name="request"/>, or <see langword="null"/> when it has none.</summary>
    public static GenerationRequestSettings? Of(HttpRequestMessage? request)
        => request is not null && request.Options.TryGetValue(Key, out GenerationRequestSettings? settings) ? settings : null;

    /// <summary>Stores <paramref name="settings"/> on <paramref name="request"/>.</summary>
    public static void Set(HttpRequestMessage request, GenerationRequestSettings settings) => request.Options.Set(Key, settings);
}
