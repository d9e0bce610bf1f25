using GenResilience.Diagnostics.Internal;
using GenResilience.Errors.Internal;
using GenResilience.Resilience.Internal;

namespace GenResilience.Keys.Internal;

/// <summary>
/// The single source of truth for the keys of one client, shared by all of its requests: which key the next
/// attempt uses (round-robin over the usable keys only), which keys are quarantined after a rejection, and, through
/// each key's <see cref="KeyAdmission"/>, when a request may send after a 429.
/// A request never gets a key the pool already knows is bad, so a revoked key costs one round trip in total.
/// </summary>
internal sealed partial class ApiKeyPool
{
    private readonly GenerationClientContext _client;
    private readonly IApiKeyStateStore _store;
    private readonly object _gate = new();
    private readonly Dictionary<string, KeySlot> _slotsById = new(StringComparer.Ordinal);
    private KeySet? _set;
    private int _next = -1;

    public ApiKeyPool(GenerationClientContext client, IApiKeyStateStore store)
    {
        _client = client;
        _store = store;
        _shared = store as SharedKeyStateStore;
    }

    /// <summary>
    /// Takes the key for the next attempt: the next usable key in round-robin order that can send now; when none can,
    /// waits in line at the key that will admit it first, unless that would overrun the request's total timeout.
    /// With a key check, a key's first use waits for one shared check of that key.
    /// Throws <see cref="GenerationException"/> when every key is quarantined or the wait is too long.
    /// </summary>
    /// <remarks>Completes without an async state machine when a key can send at once, as it can on the common path.</remarks>
    public ValueTask<ApiKeyLease> AcquireAsync(RequestState request, IKeyCheckSender? checker, CancellationToken cancellationToken)
    {
        try
        {
            if (request.ProbeApiKey is { } probeKey)
            {
                return new ValueTask<ApiKeyLease>(ProbeLease(probeKey, request));
            }

            Choice choice = Choose(request, checker, cancellationToken);
            return choice.Lease is { } lease
                ? new ValueTask<ApiKeyLease>(lease)
                : WaitOrCheckAsync(choice, request, checker, cancellationToken);
        }
        catch (Exception e)
        {
            return ValueTask.FromException<ApiKeyLease>(e);
        }
    }

    /// <summary>The rest of <see cref="AcquireAsync"/> when no key could send at once: check a key or wait, then choose again.</summary>
    private async ValueTask<ApiKeyLease> WaitOrCheckAsync(Choice choice, RequestState request, IKeyCheckSender? checker, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (choice.ToCheck is { } toCheck)
            {
                await VerifyAsync(toCheck, choice.Set, request, checker!, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Every usable key is cooling down or pacing: wait in line at the one that admits soonest.
                ApiKeyLease? lease = await WaitAsync(choice.Best!, choice.BestAt, choice.Set, request, choice.Now, cancellationToken).ConfigureAwait(false);
                if (lease is not null)
                {
                    return lease;
                }
            }

            choice = Choose(request, checker, cancellationToken);
            if (choice.Lease is { } leased)
            {
                return leased;
            }
        }
    }

    /// <summary>
    /// One pass over the keys: a lease on the first usable key in round-robin order that can send now, else the key to
    /// check first or the key to wait for. Throws when every key is quarantined.
    /// </summary>
    private Choice Choose(RequestState request, IKeyCheckSender? checker, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        KeySet set = CurrentKeys(_client.Options);
        KeySlot[] slots = set.Slots;
        DateTimeOffset now = _client.TimeProvider.GetUtcNow();

        int usable = 0;
        foreach (KeySlot slot in slots)
        {
            usable += IsUsable(slot, now) ? 1 : 0;
        }

        if (usable == 0)
        {
            // Every key set aside for its spent credits (by this request, an earlier one or a key check): that is
            // what the caller must hear, not that the keys are wrong.
            if (request.LastStatusCode != 402 && slots.All(s => s.RejectedWith == 402))
            {
                request.LastStatusCode = 402;
            }

            Log.AllKeysRejected(_client.Logger, request.Target, slots.Length, _client.KeysSetting);
            throw GenerationErrors.AllKeysRejected(request, slots.Length, _client.KeysSetting);
        }

        // Round-robin over the usable keys only: the key after the last one handed out that is not quarantined,
        // so with A, B, C and B out, A and C take turns.
        int first = NextUsable(slots, now);

        KeySlot? best = null;
        DateTimeOffset bestAt = DateTimeOffset.MaxValue;
        for (int n = 0; n < slots.Length; n++)
        {
            KeySlot slot = slots[(first + n) % slots.Length];
            if (!IsUsable(slot, now))
            {
                continue;
            }

            if (checker is not null && !slot.Verified && slot.Key.Value is not null)
            {
                return new Choice(null, slot, null, default, set, now);
            }

            if (slot.Admission.TryAdmit(now, out AdmissionTicket ticket))
            {
                return new Choice(Lease(slot, set, ticket, now), null, null, default, set, now);
            }

            DateTimeOffset at = slot.Admission.EstimateAdmission(now);
            if (at < bestAt)
            {
                best = slot;
                bestAt = at;
            }
        }

        return new Choice(null, null, best, bestAt, set, now);
    }

    /// <summary>Gets the admissions of the keys in force; for tests and diagnostics.</summary>
    internal IReadOnlyList<KeySlot> Slots => CurrentKeys(_client.Options).Slots;

    /// <summary>
    /// Records what an attempt with <paramref name="lease"/> came to: <paramref name="outcome"/> is
    /// <see langword="null"/> when no answer came (network error, timeout, cancellation). Call once per lease.
    /// Returns what the outcome means for the request: a rejection that is about the request rather than the key
    /// (see <see cref="JudgeRejection"/>) becomes a final <see cref="GenerationOutcomeKind.Failure"/>.
    /// </summary>
    public GenerationOutcomeKind? Complete(ApiKeyLease lease, GenerationOutcomeKind? outcome, int statusCode, TimeSpan? retryAfter, RequestState request)
    {
        if (lease.IsProbe)
        {
            return outcome;
        }

        KeySlot slot = lease.Slot;
        DateTimeOffset now = _client.TimeProvider.GetUtcNow();
        switch (outcome)
        {
            case GenerationOutcomeKind.RateLimited:
                slot.Admission.OnRateLimited(lease.Ticket, RecordRateLimit(lease, retryAfter, request, now), now);
                _shared?.RecordLearnedRate(slot);
                return outcome;

            case GenerationOutcomeKind.Success:
                // A key that never met a 429 has no streak to end: skip the store on the common path.
                if (!slot.Admission.IsOpen)
                {
                    _store.RecordSuccess(slot.Key.Id, lease.AcquiredAt);
                }

                slot.LastSuccessAt = now;
                break;

            case GenerationOutcomeKind.KeyRejected when slot.Key.Value is not null:
                outcome = JudgeRejection(lease, statusCode, request, now);
                break;
        }

        slot.Admission.OnCompleted(lease.Ticket, succeeded: outcome is not null, now);
        return outcome;
    }

    /// <summary>
    /// Decides whether a rejection is about the key. A 401 always is: the key is quarantined. A 402 (credits spent) is
    /// too, unless the key succeeded within <see cref="GenerationResilienceOptions.RejectedKeyCooldown"/>. Another
    /// rejecting status (403) may be about the request (a gated model, say): the key is quarantined only if it has not
    /// succeeded recently and another key can be compared with it; and when a second key refuses the same request with
    /// the same status, the request is the problem: rotation stops, the failure is final, and the quarantine this
    /// request put on the first key is lifted.
    /// </summary>
    private GenerationOutcomeKind JudgeRejection(ApiKeyLease lease, int statusCode, RequestState request, DateTimeOffset now)
    {
        KeySlot slot = lease.Slot;

        // A rejection of a key set that a reload has since replaced says nothing about the keys in force.
        if (lease.KeySetVersion != Volatile.Read(ref _set)?.Version)
        {
            return GenerationOutcomeKind.KeyRejected;
        }

        if (statusCode == 401)
        {
            Quarantine(slot, statusCode, request, now);
            request.LastKeyRejection = new KeyRejection(slot, statusCode, Quarantined: true);
            return GenerationOutcomeKind.KeyRejected;
        }

        // 402 is the key's account out of credits: never the request's fault, so it is not compared across keys.
        if (statusCode != 402 && request.LastKeyRejection is { } previous && previous.StatusCode == statusCode && !ReferenceEquals(previous.Slot, slot))
        {
            if (previous.Quarantined)
            {
                _store.LiftQuarantine(previous.Slot.Key.Id);
                previous.Slot.QuarantinedUntil = default;
                previous.Slot.Verified = true;
            }

            request.RejectedByKeys = 2;
            Log.RequestRefusedByKeys(_client.Logger, request.Target, statusCode);
            return GenerationOutcomeKind.Failure;
        }

        bool succeededRecently = slot.LastSuccessAt is { } success && now - success < request.Options.RejectedKeyCooldown;

        // A 402 is about the key's account, so even the last key is set aside; any other status from the last key
        // might be about the request, and quarantining it would stop every request for RejectedKeyCooldown.
        int usable = statusCode == 402 ? int.MaxValue : CurrentKeys(_client.Options).Slots.Count(s => IsUsable(s, now));
        if (succeededRecently || usable < 2)
        {
            // Nothing to compare with, or the key worked a moment ago: rotate (if another key is there), quarantine nothing.
            request.LastKeyRejection = new KeyRejection(slot, statusCode, Quarantined: false);
            return usable < 2 ? GenerationOutcomeKind.Failure : GenerationOutcomeKind.KeyRejected;
        }

        Quarantine(slot, statusCode, request, now);
        request.LastKeyRejection = new KeyRejection(slot, statusCode, Quarantined: true);
        return GenerationOutcomeKind.KeyRejected;
    }

    /// <summary>A lease on one named key for a probe: whatever the key's state, outside its line, and no news for the pool.</summary>
    private ApiKeyLease ProbeLease(string key, RequestState request)
    {
        KeySet set = CurrentKeys(_client.Options);
        string id = KeyFingerprint.IdFor(key);
        KeySlot slot = set.Slots.FirstOrDefault(s => s.Key.Id == id)
            ?? throw new InvalidOperationException($"{request.Target}: the key to probe ({KeyFingerprint.For(key)}) is not one of the client's keys.");
        return new ApiKeyLease(slot, set.Version, new AdmissionTicket(AdmissionStatus.Admitted, -1, 0, TimeSpan.Zero), _client.TimeProvider.GetUtcNow(), set.Options.ApiKeyHeaderName, set.Options.EffectiveApiKeyScheme) { IsProbe = true };
    }

    /// <summary>Moves the round-robin cursor to the next usable key after it and returns that key's index.</summary>
    private int NextUsable(KeySlot[] slots, DateTimeOffset now)
    {
        while (true)
        {
            int cursor = Volatile.Read(ref _next);
            int start = (int)((uint)(cursor + 1) % (uint)slots.Length);
            int index = start;
            for (int n = 0; n < slots.Length && !IsUsable(slots[index], now); n++)
            {
                index = (index + 1) % slots.Length;
            }

            if (Interlocked.CompareExchange(ref _next, index, cursor) == cursor)
            {
                return index;
            }
        }
    }

    private static ApiKeyLease Lease(KeySlot slot, KeySet set, AdmissionTicket ticket, DateTimeOffset now)
        => new(slot, set.Version, ticket, now, set.Options.ApiKeyHeaderName, set.Options.EffectiveApiKeyScheme);

    private static bool IsUsable(KeySlot slot, DateTimeOffset now)
        => slot.Key.Value is null || !slot.IsQuarantinedAt(now);

    private async ValueTask<ApiKeyLease?> WaitAsync(
        KeySlot slot, DateTimeOffset expected, KeySet set, RequestState request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        TimeSpan wait = expected - now;

        // Why the request waits, read before the wait: afterwards the cooldown is over.
        bool cooling = slot.Admission.IsCooling(now);
        if (wait > TimeSpan.Zero && !(request.Deadline is { } deadline && expected > deadline))
        {
            if (cooling)
            {
                Log.WaitingForRateLimit(_client.Logger, request.Target, new LogDuration(wait));
            }
            else
            {
                Log.WaitingForPace(_client.Logger, request.Target, slot.Key.Fingerprint, new LogDuration(wait), slot.Admission.Rate ?? 0);
            }
        }

        AdmissionTicket ticket = await slot.Admission.WaitAsync(now, request.Deadline, cancellationToken).ConfigureAwait(false);
        DateTimeOffset admittedAt = _client.TimeProvider.GetUtcNow();
        switch (ticket.Status)
        {
            case AdmissionStatus.Admitted:
                // Options reloaded while the request waited: a key they removed (or pace anew) must not send it; the
                // first such waiter to wake brings the new keys in, which also lets the others in the old line go.
                KeySet current = CurrentKeys(_client.Options);
                if (!ReferenceEquals(current, set))
                {
                    if (Array.IndexOf(current.Slots, slot) < 0)
                    {
                        slot.Admission.OnCompleted(ticket, succeeded: false, admittedAt);
                        return null;
                    }

                    set = current;
                }

                if (admittedAt > now)
                {
                    _client.Metrics.RateLimitWait(_client.Provider, admittedAt - now);
                    if (request.Activity is { } activity)
                    {
                        GenerationActivities.RateLimitWait(activity, slot.Key.Fingerprint, cooling ? "cooldown" : "pace", admittedAt - now);
                    }
                }

                return Lease(slot, set, ticket, admittedAt);

            case AdmissionStatus.TooLate:
                TimeSpan remaining = request.Deadline is { } d && d > admittedAt ? d - admittedAt : TimeSpan.Zero;
                Log.RateLimitWaitTooLong(_client.Logger, request.Target, new LogDuration(ticket.Wait), new LogDuration(remaining));
                throw GenerationErrors.RateLimitWaitTooLong(request, ticket.Wait, remaining);

            default:
                return null;
        }
    }

    /// <summary>Waits for the one shared check of <paramref name="slot"/>'s key, running it if no request is.</summary>
    private async Task VerifyAsync(KeySlot slot, KeySet set, RequestState request, IKeyCheckSender checker, CancellationToken cancellationToken)
    {
        TaskCompletionSource? mine = null;
        Task check;
        lock (slot)
        {
            // Another request's check may have finished (and quarantined the key) since this one chose it.
            if (slot.Verified || !IsUsable(slot, _client.TimeProvider.GetUtcNow()))
            {
                return;
            }

            if (slot.Check is null)
            {
                mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                slot.Check = mine.Task;
            }

            check = slot.Check;
        }

        if (mine is null)
        {
            try
            {
                await check.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The request running the check gave up or failed; the caller chooses again and may run it itself.
            }

            return;
        }

        try
        {
            await RunCheckAsync(slot, set, request, checker, cancellationToken).ConfigureAwait(false);
            mine.SetResult();
        }
        catch (Exception e)
        {
            mine.SetException(e);
            throw;
        }
        finally
        {
            lock (slot)
            {
                slot.Check = null;
            }
        }
    }

    private async Task RunCheckAsync(KeySlot slot, KeySet set, RequestState request, IKeyCheckSender checker, CancellationToken cancellationToken)
    {
        // Across app instances, one check per key: another instance may have checked it, rejected it, or be checking it.
        if (_shared is not null && !await ClaimSharedKeyCheckAsync(slot, request, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        DateTimeOffset startedAt = _client.TimeProvider.GetUtcNow();

        // Epoch -1: a 429 on the check extends the key's cooldown without counting as a 429 of its requests (on a key
        // never limited before, it starts the key's pacing, as a request's first 429 would).
        var lease = new ApiKeyLease(slot, set.Version, new AdmissionTicket(AdmissionStatus.Admitted, -1, 0, TimeSpan.Zero), startedAt, set.Options.ApiKeyHeaderName, set.Options.EffectiveApiKeyScheme);
        KeyCheckResult result = await checker.SendAsync(lease, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _client.TimeProvider.GetUtcNow();
        _client.Metrics.KeyCheck(_client.Provider, KeyCheckMetricName(result.Outcome));

        switch (result.Outcome)
        {
            case GenerationOutcomeKind.KeyRejected:
                Quarantine(slot, result.StatusCode ?? 0, request, now);
                return;

            case GenerationOutcomeKind.Success:
                Log.KeyCheckPassed(_client.Logger, request.Target, slot.Key.Fingerprint);
                break;

            case GenerationOutcomeKind.RateLimited:
                slot.Admission.OnRateLimited(lease.Ticket, RecordRateLimit(lease, result.RetryAfter, request, now), now);
                _shared?.RecordLearnedRate(slot);
                Log.KeyCheckInconclusive(_client.Logger, request.Target, slot.Key.Fingerprint, "rate limited (429)");
                break;

            default:
                Log.KeyCheckInconclusive(_client.Logger, request.Target, slot.Key.Fingerprint, result.StatusCode is { } status ? "status " + status : "no answer");
                break;
        }

        // Only a rejection disproves a key; anything else lets real requests find out.
        slot.Verified = true;
        _shared?.RecordKeyChecked(slot.Key.Id);
    }

    private static string KeyCheckMetricName(GenerationOutcomeKind? outcome) => outcome switch
    {
        GenerationOutcomeKind.Success => "valid",
        GenerationOutcomeKind.KeyRejected => "rejected",
        _ => "inconclusive",
    };

    private DateTimeOffset RecordRateLimit(ApiKeyLease lease, TimeSpan? retryAfter, RequestState request, DateTimeOffset now)
    {
        GenerationResilienceOptions options = request.Options;
        ApiKeyState state = _store.RecordRateLimit(lease.Key.Id, new GenerationRateLimitRecord
        {
            AttemptStartedAt = lease.AcquiredAt,
            Now = now,
            RetryAfter = retryAfter,
            DelayPerRateLimit = options.RateLimitDelay,
            MaxCooldown = options.MaxRetryAfter,
        });
        string source = retryAfter is null
            ? $"no Retry-After, {state.ConsecutiveRateLimits} in a row"
            : "Retry-After " + Durations.Format(retryAfter.Value);
        Log.KeyRateLimited(_client.Logger, request.Target, lease.Key.Fingerprint, new LogDuration(state.CoolingUntil - now), source);
        _client.Metrics.KeyRotation(_client.Provider, "rate_limited");
        if (request.Activity is { } activity)
        {
            GenerationActivities.KeyRotation(activity, lease.Key.Fingerprint, "rate_limited", Resilience.GenerationResilienceConstants.RateLimitStatusCode, state.CoolingUntil - now);
        }

        return state.CoolingUntil;
    }

    private void Quarantine(KeySlot slot, int statusCode, RequestState request, DateTimeOffset now)
    {
        GenerationResilienceOptions options = request.Options;
        _store.Quarantine(slot.Key.Id, now + options.RejectedKeyCooldown);
        slot.QuarantinedUntil = _store.Get(slot.Key.Id).QuarantinedUntil;
        slot.Verified = false;
        slot.RejectedWith = statusCode;

        // Requests waiting in this key's line choose another key.
        slot.Admission.ReleaseAllToRetry();

        KeySlot[] slots = CurrentKeys(_client.Options).Slots;
        int usable = slots.Count(s => IsUsable(s, now));
        Log.KeyRejected(_client.Logger, request.Target, slot.Key.Fingerprint, statusCode, new LogDuration(options.RejectedKeyCooldown), usable, slots.Length);
        _client.Metrics.KeyRotation(_client.Provider, "rejected");
        if (request.Activity is { } activity)
        {
            GenerationActivities.KeyRotation(activity, slot.Key.Fingerprint, "rejected", statusCode == 0 ? null : statusCode, options.RejectedKeyCooldown);
        }
    }

    /// <summary>
    /// The keys of the options in force. New options (a reload) bring new keys and lift every quarantine:
    /// whoever changed them may have fixed the problem. A key that stays keeps its admission state.
    /// </summary>
    private KeySet CurrentKeys(GenerationResilienceOptions options)
    {
        KeySet? set = Volatile.Read(ref _set);
        if (set is not null && ReferenceEquals(options, set.Options))
        {
            return set;
        }

        lock (_gate)
        {
            set = _set;
            if (set is not null && ReferenceEquals(options, set.Options))
            {
                return set;
            }

            ApiKey[] keys = options.ApiKeys.Count == 0 ? [ApiKey.Anonymous] : [.. options.ApiKeys.Select(ApiKey.Create)];
            var slots = new KeySlot[keys.Length];
            var kept = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < keys.Length; i++)
            {
                if (!_slotsById.TryGetValue(keys[i].Id, out KeySlot? slot) || slot.Admission.ConfiguredRate != options.RequestsPerSecondPerKey)
                {
                    slot?.Admission.ReleaseAllToRetry();
                    slot = new KeySlot(keys[i], new KeyAdmission(_client.TimeProvider, options.RequestsPerSecondPerKey));
                    _slotsById[keys[i].Id] = slot;
                }

                slots[i] = slot;
                kept.Add(keys[i].Id);
            }

            foreach (string removed in _slotsById.Keys.Where(id => !kept.Contains(id)).ToArray())
            {
                _slotsById[removed].Admission.ReleaseAllToRetry();
                _slotsById.Remove(removed);
            }

            if (set is not null)
            {
                _store.LiftQuarantines();
                foreach (KeySlot slot in _slotsById.Values)
                {
                    slot.QuarantinedUntil = default;
                }

                Log.KeysChanged(_client.Logger, _client.Provider, options.ApiKeys.Count);
            }

            set = new KeySet(options, slots, (set?.Version ?? 0) + 1);
            Volatile.Write(ref _set, set);
            return set;
        }
    }

    /// <summary>The keys of one version of the options.</summary>
    private sealed record KeySet(GenerationResilienceOptions Options, KeySlot[] Slots, int Version);

    /// <summary>What one pass over the keys found: a lease, a key to check first, or the key that admits soonest.</summary>
    private readonly record struct Choice(ApiKeyLease? Lease, KeySlot? ToCheck, KeySlot? Best, DateTimeOffset BestAt, KeySet Set, DateTimeOffset Now);
}
