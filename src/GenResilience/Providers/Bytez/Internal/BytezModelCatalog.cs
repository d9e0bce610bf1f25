namespace GenResilience.Providers.Bytez.Internal;

/// <summary>
/// Bytez's model lists, reused for <see cref="BytezClientOptions.ModelListCacheDuration"/>: one list per query
/// (<c>task=text-to-image</c>, <c>modelId=...</c>, or all). The model check before a run shares one read among every run
/// that needs the same list at the same time.
/// </summary>
internal sealed class BytezModelCatalog
{
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly Dictionary<string, (IReadOnlyList<BytezModel> Models, DateTimeOffset Until)> _cached = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task<IReadOnlyList<BytezModel>?>> _checks = new(StringComparer.Ordinal);

    public BytezModelCatalog(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>The list for <paramref name="query"/>, from the cache or read with <paramref name="read"/> (errors reach the caller).</summary>
    public async Task<IReadOnlyList<BytezModel>> GetAsync(
        string query, TimeSpan cacheFor, Func<CancellationToken, Task<IReadOnlyList<BytezModel>>> read, CancellationToken cancellationToken)
    {
        if (TryCached(query) is { } cached)
        {
            return cached;
        }

        IReadOnlyList<BytezModel> models = await read(cancellationToken).ConfigureAwait(false);
        Store(query, models, cacheFor);
        return models;
    }

    /// <summary>
    /// The list for <paramref name="query"/> for a model check: from the cache, or one shared read for every caller
    /// that asks meanwhile. <see langword="null"/> when it could not be read (the run then goes ahead).
    /// </summary>
    public Task<IReadOnlyList<BytezModel>?> GetForCheckAsync(
        string query, TimeSpan cacheFor, Func<Task<IReadOnlyList<BytezModel>?>> read, CancellationToken cancellationToken)
    {
        Task<IReadOnlyList<BytezModel>?> shared;
        lock (_gate)
        {
            if (TryCachedLocked(query) is { } cached)
            {
                return Task.FromResult<IReadOnlyList<BytezModel>?>(cached);
            }

            if (!_checks.TryGetValue(query, out shared!))
            {
                shared = ReadSharedAsync(query, cacheFor, read);
                _checks[query] = shared;
            }
        }

        // Each caller may give up on its own; the shared read is bounded by its own timeout.
        return shared.WaitAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<BytezModel>?> ReadSharedAsync(string query, TimeSpan cacheFor, Func<Task<IReadOnlyList<BytezModel>?>> read)
    {
        await Task.Yield();
        try
        {
            IReadOnlyList<BytezModel>? models = await read().ConfigureAwait(false);
            if (models is not null)
            {
                Store(query, models, cacheFor);
            }

            return models;
        }
        finally
        {
            lock (_gate)
            {
                _checks.Remove(query);
            }
        }
    }

    private IReadOnlyList<BytezModel>? TryCached(string query)
    {
        lock (_gate)
        {
            return TryCachedLocked(query);
        }
    }

    private IReadOnlyList<BytezModel>? TryCachedLocked(string query)
        => _cached.TryGetValue(query, out var entry) && entry.Until > _time.GetUtcNow() ? entry.Models : null;

    private void Store(string query, IReadOnlyList<BytezModel> models, TimeSpan cacheFor)
    {
        if (cacheFor <= TimeSpan.Zero)
        {
            return;
        }

        lock (_gate)
        {
            _cached[query] = (models, _time.GetUtcNow() + cacheFor);
        }
    }

    /// <summary>Up to <paramref name="count"/> ids close to <paramref name="modelId"/>: the same name in another case or owner, or a few typos away.</summary>
    public static IReadOnlyList<string> CloseMatches(string modelId, IEnumerable<BytezModel> models, int count = 3)
    {
        string wanted = modelId.ToUpperInvariant();
        string wantedName = NameOf(wanted);
        int limit = Math.Max(2, wanted.Length / 4);
        var scored = new List<(int Score, string Id)>();
        foreach (BytezModel model in models)
        {
            string candidate = model.ModelId.ToUpperInvariant();
            if (Math.Abs(candidate.Length - wanted.Length) > limit && !string.Equals(NameOf(candidate), wantedName, StringComparison.Ordinal))
            {
                continue;
            }

            int score = Math.Min(Distance(wanted, candidate, limit), Distance(wantedName, NameOf(candidate), limit) + 1);
            if (score <= limit)
            {
                scored.Add((score, model.ModelId));
            }
        }

        return [.. scored.OrderBy(s => s.Score).ThenBy(s => s.Id, StringComparer.Ordinal).Select(s => s.Id).Distinct(StringComparer.Ordinal).Take(count)];
    }

    private static string NameOf(string id) => id[(id.LastIndexOf('/') + 1)..];

    /// <summary>Levenshtein distance, giving up (returning more than <paramref name="limit"/>) once it exceeds it.</summary>
    private static int Distance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
        {
            return limit + 1;
        }

        int[] previous = new int[b.Length + 1];
        int[] current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            int rowMin = current[0];
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMin = Math.Min(rowMin, current[j]);
            }

            if (rowMin > limit)
            {
                return limit + 1;
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
