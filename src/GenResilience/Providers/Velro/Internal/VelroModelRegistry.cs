namespace GenResilience.Providers.Velro.Internal;

/// <summary>
/// Velro's model registry, read once and shared: every caller within the cache duration gets the same read, and
/// callers that arrive while it is being read wait for that one read instead of starting their own. A read that
/// failed is not kept. One shared task per read; no lock.
/// </summary>
internal sealed class VelroModelRegistry
{
    private readonly Func<CancellationToken, Task<IReadOnlyList<VelroModel>>> _read;
    private readonly TimeProvider _time;
    private Entry? _entry;

    /// <param name="read">Reads the registry once. It runs with no caller's token: one caller giving up must not fail the others.</param>
    /// <param name="time">The clock that ages the registry.</param>
    public VelroModelRegistry(Func<CancellationToken, Task<IReadOnlyList<VelroModel>>> read, TimeProvider time)
    {
        _read = read;
        _time = time;
    }

    /// <summary>Gets the registry, reading it when there is none younger than <paramref name="maxAge"/>.</summary>
    /// <exception cref="GenerationException">The read failed (each caller that shared it gets the failure).</exception>
    public Task<VelroModelCatalog> GetAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        while (true)
        {
            Entry? current = Volatile.Read(ref _entry);
            if (current is not null && current.IsUsable(_time.GetUtcNow(), maxAge))
            {
                return current.Catalog.WaitAsync(cancellationToken);
            }

            var next = new Entry(this);
            if (ReferenceEquals(Interlocked.CompareExchange(ref _entry, next, current), current))
            {
                return next.Catalog.WaitAsync(cancellationToken);
            }
        }
    }

    /// <summary>
    /// Drops <paramref name="stale"/> so the next caller reads the registry again. Many callers finding the same read
    /// stale drop it once, so the registry is read again once.
    /// </summary>
    public void Invalidate(VelroModelCatalog stale)
    {
        Entry? current = Volatile.Read(ref _entry);
        if (current is not null && current.Holds(stale))
        {
            Interlocked.CompareExchange(ref _entry, null, current);
        }
    }

    private async Task<VelroModelCatalog> ReadAsync()
    {
        // Off the caller's stack: the read is shared, and a caller that gives up must not take it along.
        await Task.Yield();
        IReadOnlyList<VelroModel> models = await _read(CancellationToken.None).ConfigureAwait(false);
        return new VelroModelCatalog(models, _time.GetUtcNow());
    }

    private sealed class Entry
    {
        private readonly Lazy<Task<VelroModelCatalog>> _catalog;

        public Entry(VelroModelRegistry registry)
        {
            _catalog = new Lazy<Task<VelroModelCatalog>>(registry.ReadAsync, LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public Task<VelroModelCatalog> Catalog => _catalog.Value;

        /// <summary>A read in progress is shared; a finished one is used until it is <paramref name="maxAge"/> old; a failed one never.</summary>
        public bool IsUsable(DateTimeOffset now, TimeSpan maxAge)
        {
            Task<VelroModelCatalog> catalog = Catalog;
            if (!catalog.IsCompleted)
            {
                return true;
            }

            return catalog.IsCompletedSuccessfully && now - catalog.Result.ReadAt < maxAge;
        }

        public bool Holds(VelroModelCatalog catalog) => Catalog is { IsCompletedSuccessfully: true } done && ReferenceEquals(done.Result, catalog);
    }
}
