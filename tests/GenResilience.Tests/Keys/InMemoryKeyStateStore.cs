namespace GenResilience.Tests.Keys;

/// <summary>
/// An <see cref="IGenerationKeyStateStore"/> as a user would write one from its documentation: one lock, one record per
/// key, the same rules as the Redis store's scripts (a generic cell rate algorithm for the budget). Several app instances
/// given this one object share their key state without Redis, so the pool's shared-state path is tested (and mutated) in
/// every run. It also records what the pool told it, and can stand for a store that cannot be reached or that fails.
/// </summary>
public sealed class InMemoryKeyStateStore(TimeProvider time) : IGenerationKeyStateStore
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Provider, string KeyId), Entry> _entries = [];
    private readonly List<string> _calls = [];
    private readonly List<GenerationKeyStateQuery> _queries = [];

    /// <summary>Gets or sets a value indicating whether <see cref="GetAsync"/> answers <see langword="null"/>, as for a store that cannot be reached.</summary>
    public bool Unreachable { get; set; }

    /// <summary>Gets or sets what runs at the start of each <see cref="GetAsync"/>, before <see cref="GetFails"/> is thrown.</summary>
    public Action? BeforeGet { get; set; }

    /// <summary>Gets or sets what <see cref="GetAsync"/> throws, for a store that breaks its contract.</summary>
    public Exception? GetFails { get; set; }

    /// <summary>Gets or sets what the members other than <see cref="GetAsync"/> throw (after recording the call), for a store that breaks its contract.</summary>
    public Exception? RecordsFail { get; set; }

    /// <summary>Gets or sets how many reads fail the test: no test here needs more than a few hundred.</summary>
    public int MaxQueries { get; set; } = 5_000;

    /// <summary>Gets the calls other than <see cref="GetAsync"/>, as <c>Member(provider, key id[, value])</c>.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Gets every query <see cref="GetAsync"/> was asked.</summary>
    public IReadOnlyList<GenerationKeyStateQuery> Queries
    {
        get
        {
            lock (_gate)
            {
                return [.. _queries];
            }
        }
    }

    /// <summary>Gets the learned rates recorded, by key id.</summary>
    public IReadOnlyDictionary<string, double> LearnedRates
    {
        get
        {
            lock (_gate)
            {
                return _entries.Where(e => e.Value.LearnedRate is not null).ToDictionary(e => e.Key.KeyId, e => e.Value.LearnedRate!.Value);
            }
        }
    }

    /// <summary>Reads a key's state as <see cref="GetAsync"/> would, without claiming or reserving anything.</summary>
    public GenerationKeyState Peek(string provider, string keyId)
    {
        lock (_gate)
        {
            return _entries.TryGetValue((provider, keyId), out Entry? e) ? e.ToState(claimed: false, wait: null) : default;
        }
    }

    public ValueTask<GenerationKeyState?> GetAsync(GenerationKeyStateQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _queries.Add(query);
        }

        BeforeGet?.Invoke();
        if (GetFails is { } failure)
        {
            throw failure;
        }

        lock (_gate)
        {
            if (_queries.Count > MaxQueries)
            {
                // A pool that asks again and again without waiting (a tight loop on a store that answers at once) would
                // hang the test on its own thread: fail it instead.
                throw new InvalidOperationException($"The store was read {_queries.Count} times: the key pool is spinning.");
            }

            if (Unreachable)
            {
                return ValueTask.FromResult<GenerationKeyState?>(null);
            }

            Entry e = EntryFor(query.Provider, query.KeyId);
            DateTimeOffset now = query.Now;
            bool claimed = false;
            if (query.KeyCheckFor is { } claimFor && !e.KeyChecked && e.QuarantinedUntil <= now && e.KeyCheckUntil <= now)
            {
                e.KeyCheckUntil = now + claimFor;
                claimed = true;
            }

            TimeSpan? wait = null;
            if (query.RequestsPerSecond is { } rate && rate > 0 && e.QuarantinedUntil <= now && e.CoolingUntil <= now)
            {
                TimeSpan interval = TimeSpan.FromSeconds(1 / rate);
                DateTimeOffset tat = e.BudgetTat > now ? e.BudgetTat : now;
                TimeSpan w = tat - ((Math.Max(query.Burst, 1) - 1) * interval) - now;
                wait = w > TimeSpan.Zero ? w : TimeSpan.Zero;
                if (query.MaxWait is not { } most || wait <= most)
                {
                    e.BudgetTat = tat + interval;
                }
            }

            return ValueTask.FromResult<GenerationKeyState?>(e.ToState(claimed, wait));
        }
    }

    public void Quarantine(string provider, string keyId, DateTimeOffset until)
    {
        lock (_gate)
        {
            _calls.Add($"Quarantine({provider}, {keyId})");
            ThrowIfRecordsFail();
            Entry e = EntryFor(provider, keyId);
            if (until > e.QuarantinedUntil)
            {
                e.QuarantinedUntil = until;
            }

            e.KeyChecked = false;
            e.KeyCheckUntil = default;
        }
    }

    public void RecordRateLimit(string provider, string keyId, GenerationRateLimitRecord rateLimit)
    {
        lock (_gate)
        {
            _calls.Add($"RecordRateLimit({provider}, {keyId})");
            ThrowIfRecordsFail();
            Entry e = EntryFor(provider, keyId);
            int count = rateLimit.AttemptStartedAt < e.LastRateLimitAt ? Math.Max(1, e.RateLimitsInARow) : e.RateLimitsInARow + 1;
            DateTimeOffset cooling = rateLimit.Now + rateLimit.Cooldown(count);
            if (cooling > e.CoolingUntil)
            {
                e.CoolingUntil = cooling;
            }

            e.RateLimitsInARow = count;
            if (rateLimit.Now > e.LastRateLimitAt)
            {
                e.LastRateLimitAt = rateLimit.Now;
            }
        }
    }

    public void RecordSuccess(string provider, string keyId, DateTimeOffset attemptStartedAt)
    {
        lock (_gate)
        {
            _calls.Add($"RecordSuccess({provider}, {keyId})");
            ThrowIfRecordsFail();
            Entry e = EntryFor(provider, keyId);
            if (attemptStartedAt >= e.LastRateLimitAt)
            {
                e.RateLimitsInARow = 0;
            }
        }
    }

    public void RecordKeyChecked(string provider, string keyId)
    {
        lock (_gate)
        {
            _calls.Add($"RecordKeyChecked({provider}, {keyId})");
            ThrowIfRecordsFail();
            Entry e = EntryFor(provider, keyId);
            if (e.QuarantinedUntil <= time.GetUtcNow())
            {
                e.KeyChecked = true;
                e.KeyCheckUntil = default;
            }
        }
    }

    public void RecordLearnedRate(string provider, string keyId, double requestsPerSecond)
    {
        lock (_gate)
        {
            _calls.Add($"RecordLearnedRate({provider}, {keyId})");
            ThrowIfRecordsFail();
            EntryFor(provider, keyId).LearnedRate = requestsPerSecond;
        }
    }

    public void LiftQuarantines(string provider, IReadOnlyCollection<string> keyIds)
    {
        lock (_gate)
        {
            foreach (string keyId in keyIds)
            {
                _calls.Add($"LiftQuarantines({provider}, {keyId})");
                ThrowIfRecordsFail();
                EntryFor(provider, keyId).QuarantinedUntil = default;
            }
        }
    }

    /// <summary>Sets a key's state as another instance (or an operator) would have left it.</summary>
    public void Set(string provider, string keyId, DateTimeOffset? quarantinedUntil = null, DateTimeOffset? coolingUntil = null, bool? keyChecked = null)
    {
        lock (_gate)
        {
            Entry e = EntryFor(provider, keyId);
            e.QuarantinedUntil = quarantinedUntil ?? e.QuarantinedUntil;
            e.CoolingUntil = coolingUntil ?? e.CoolingUntil;
            e.KeyChecked = keyChecked ?? e.KeyChecked;
        }
    }

    private void ThrowIfRecordsFail()
    {
        if (RecordsFail is { } failure)
        {
            throw failure;
        }
    }

    private Entry EntryFor(string provider, string keyId)
    {
        if (!_entries.TryGetValue((provider, keyId), out Entry? e))
        {
            e = new Entry();
            _entries[(provider, keyId)] = e;
        }

        return e;
    }

    private sealed class Entry
    {
        public DateTimeOffset QuarantinedUntil;
        public DateTimeOffset CoolingUntil;
        public int RateLimitsInARow;
        public DateTimeOffset LastRateLimitAt;
        public bool KeyChecked;
        public DateTimeOffset KeyCheckUntil;
        public DateTimeOffset BudgetTat;
        public double? LearnedRate;

        public GenerationKeyState ToState(bool claimed, TimeSpan? wait) => new()
        {
            QuarantinedUntil = QuarantinedUntil,
            CoolingUntil = CoolingUntil,
            ConsecutiveRateLimits = RateLimitsInARow,
            LastRateLimitAt = LastRateLimitAt,
            KeyChecked = KeyChecked,
            KeyCheckClaimed = claimed,
            BudgetWait = wait,
        };
    }
}
