using GenResilience.Diagnostics.Internal;
using GenResilience.Errors.Internal;
using GenResilience.Resilience.Internal;

namespace GenResilience.Keys.Internal;

/// <summary>
/// The pool of an app whose instances share key state (<see cref="IGenerationKeyStateStore"/>): before an attempt
/// goes out with a key, the key's shared state is read, and what other instances recorded holds here too.
/// </summary>
internal sealed partial class ApiKeyPool
{
    /// <summary>
    /// How long an instance's claim on a key's check holds at most: a check is one cheap call, and an instance that
    /// died or gave up while checking must not keep the others waiting for long.
    /// </summary>
    internal static readonly TimeSpan SharedKeyCheckClaim = TimeSpan.FromSeconds(10);

    /// <summary>How soon an instance looks again while another instance checks a key; then twice as long each time, up to 1 s.</summary>
    internal static readonly TimeSpan SharedKeyCheckPoll = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan SharedKeyCheckPollMax = TimeSpan.FromSeconds(1);

    /// <summary>
    /// An attempt woken later than this after its place in a shared budget takes a new place: as a key's own bucket holds
    /// at most 50 ms of requests, so no more than 50 ms of the fleet's requests leave together after a pause.
    /// </summary>
    private const double LateForPlaceSeconds = 0.05;

    /// <summary>Ends an admission as if its attempt had met a 429, without counting an attempt (as a key check's does).</summary>
    private static readonly AdmissionTicket SharedCooldownTicket = new(AdmissionStatus.Admitted, -1, 0, TimeSpan.Zero);

    private readonly SharedKeyStateStore? _shared;
    private int _sharedBudgetWaits;

    /// <summary>Gets a value indicating whether the app shares key state with its other instances.</summary>
    public bool IsShared => _shared is not null;

    /// <summary>Gets how many attempts are waiting for their place in a shared rate budget (for tests that step a fake clock).</summary>
    internal int SharedBudgetWaits => Volatile.Read(ref _sharedBudgetWaits);

    /// <summary>
    /// <see cref="AcquireAsync"/>, then the shared state of the key it chose: a quarantine or a cooldown that another
    /// instance recorded applies here and the request chooses again; with a rate, the attempt waits for its place in the
    /// key's shared budget. When the shared state cannot be reached, the lease stands on this instance's state alone.
    /// </summary>
    public async ValueTask<ApiKeyLease> AcquireSharedAsync(RequestState request, IKeyCheckSender? checker, CancellationToken cancellationToken)
    {
        while (true)
        {
            ApiKeyLease lease = await AcquireAsync(request, checker, cancellationToken).ConfigureAwait(false);
            if (lease.IsProbe)
            {
                return lease;
            }

            ApiKeyLease? admitted = await TakeSharedStateAsync(lease, request, cancellationToken).ConfigureAwait(false);
            if (admitted is not null)
            {
                return admitted;
            }
        }
    }

    /// <summary>
    /// Reads the shared state of the key of <paramref name="lease"/> and, with a rate, takes the attempt's place in the
    /// key's shared budget and waits for it. Returns the lease to send with, or <see langword="null"/> when the lease was
    /// given up (the key is out of use or cooling down for the fleet) and the request must choose again.
    /// </summary>
    private async ValueTask<ApiKeyLease?> TakeSharedStateAsync(ApiKeyLease lease, RequestState request, CancellationToken cancellationToken)
    {
        SharedKeyStateStore shared = _shared!;
        KeySlot slot = lease.Slot;
        double? rate = slot.Admission.ConfiguredRate;
        TimeSpan lateness = rate is { } r ? TimeSpan.FromSeconds(Math.Max(1 / r, LateForPlaceSeconds)) : TimeSpan.Zero;
        DateTimeOffset acquiredAt = lease.AcquiredAt;
        for (int place = 0; ; place++)
        {
            DateTimeOffset now = _client.TimeProvider.GetUtcNow();
            TimeSpan? maxWait = request.Deadline is { } deadline ? (deadline > now ? deadline - now : TimeSpan.Zero) : null;
            GenerationKeyState? fleet;
            try
            {
                fleet = await shared.ReadAsync(
                    new GenerationKeyStateQuery
                    {
                        Provider = shared.Provider,
                        KeyId = slot.Key.Id,
                        Now = now,
                        RequestsPerSecond = rate,

                        // Evenly spaced across the fleet: the provider's own burst is left to absorb the jitter of
                        // instances that send a little late, together.
                        Burst = 1,
                        MaxWait = maxWait,
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                slot.Admission.OnCompleted(lease.Ticket, succeeded: false, _client.TimeProvider.GetUtcNow());
                throw;
            }

            if (fleet is not { } state)
            {
                return lease;
            }

            if (ApplySharedState(slot, state, lease.Ticket, request, _client.TimeProvider.GetUtcNow()))
            {
                return null;
            }

            if (state.BudgetWait is not { } wait)
            {
                return lease;
            }

            if (maxWait is { } most && wait > most)
            {
                slot.Admission.OnCompleted(lease.Ticket, succeeded: false, _client.TimeProvider.GetUtcNow());
                Log.RateLimitWaitTooLong(_client.Logger, request.Target, new LogDuration(wait), new LogDuration(most));
                throw GenerationErrors.RateLimitWaitTooLong(request, wait, most);
            }

            // The place is a moment in time (now + wait), however long the answer took to come back.
            DateTimeOffset due = now + wait;
            TimeSpan delay = due - _client.TimeProvider.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                Log.WaitingForPace(_client.Logger, request.Target, slot.Key.Fingerprint, new LogDuration(delay), rate ?? 0);
                Interlocked.Increment(ref _sharedBudgetWaits);
                try
                {
                    await Task.Delay(delay, _client.TimeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    slot.Admission.OnCompleted(lease.Ticket, succeeded: false, _client.TimeProvider.GetUtcNow());
                    throw;
                }
                finally
                {
                    Interlocked.Decrement(ref _sharedBudgetWaits);
                }
            }

            DateTimeOffset sentAt = _client.TimeProvider.GetUtcNow();
            if (slot.Admission.IsCooling(sentAt) || !IsUsable(slot, sentAt))
            {
                // A 429 or a rejection came back while this attempt waited for its place: it would only meet another.
                slot.Admission.OnCompleted(lease.Ticket, succeeded: false, sentAt);
                return null;
            }

            // Woken late (a busy machine, a pause): the places of everyone woken with it fall due together, a burst the
            // provider would refuse. Take a new place (twice at most) rather than add to it.
            if (sentAt - due > lateness && place < 2)
            {
                continue;
            }

            if (sentAt > acquiredAt)
            {
                _client.Metrics.RateLimitWait(_client.Provider, sentAt - acquiredAt);
            }

            return sentAt == acquiredAt ? lease : new ApiKeyLease(slot, lease.KeySetVersion, lease.Ticket, sentAt, lease.HeaderName, lease.Scheme);
        }
    }

    /// <summary>
    /// Takes in a key's shared state. Returns <see langword="true"/> when the key is quarantined or cooling down for the
    /// fleet: then the admission of <paramref name="ticket"/> has ended and the request must choose again.
    /// </summary>
    private bool ApplySharedState(KeySlot slot, GenerationKeyState state, AdmissionTicket ticket, RequestState request, DateTimeOffset now)
    {
        InMemoryApiKeyStateStore local = _shared!.Local;
        local.Merge(slot.Key.Id, state);

        if (slot.Key.Value is not null && state.QuarantinedUntil > now)
        {
            slot.Admission.OnCompleted(ticket, succeeded: false, now);
            QuarantineShared(slot, state.QuarantinedUntil, request, now);
            return true;
        }

        if (state.CoolingUntil <= now)
        {
            return false;
        }

        if (slot.Admission.IsOpen)
        {
            // The key's first 429, met by another instance: the key's limit is the fleet's, so from now on this instance
            // paces the key too, starting from what it sent in the last second; this attempt is the one it stops. (Also
            // when the 429 was merged in earlier, by a key check's read: an open key does not cool down, so leaving it
            // open would send the request straight back here until the cooldown ended.)
            slot.Admission.OnRateLimited(ticket, state.CoolingUntil, now);
        }
        else
        {
            // Another instance's 429, or the same burst as one seen here: cool down as long, but each instance lowers its
            // own rate only for the 429s it meets itself, or every 429 of the fleet would cut every instance's rate.
            slot.Admission.OnCompleted(ticket, succeeded: false, now);
            slot.Admission.OnRateLimited(SharedCooldownTicket, state.CoolingUntil, now);
        }

        Log.SharedKeyCooling(_client.Logger, request.Target, slot.Key.Fingerprint, new LogDuration(state.CoolingUntil - now));
        return true;
    }

    private void QuarantineShared(KeySlot slot, DateTimeOffset until, RequestState request, DateTimeOffset now)
    {
        // Requests that chose the key at the same moment all meet the news; the first to apply it tells.
        if (slot.QuarantinedUntil >= until)
        {
            return;
        }

        slot.QuarantinedUntil = until;
        slot.Verified = false;
        slot.Admission.ReleaseAllToRetry();
        Log.SharedKeyQuarantined(_client.Logger, request.Target, slot.Key.Fingerprint, new LogDuration(until - now));
    }

    /// <summary>
    /// Before this instance checks a key: whether it should. Not when another instance checked it already (the key is
    /// taken as checked) or rejected it (quarantined here too); while another instance's check runs, this one waits
    /// for its result. Returns <see langword="true"/> when this instance runs the check.
    /// </summary>
    private async Task<bool> ClaimSharedKeyCheckAsync(KeySlot slot, RequestState request, CancellationToken cancellationToken)
    {
        SharedKeyStateStore shared = _shared!;
        TimeSpan poll = SharedKeyCheckPoll;
        while (true)
        {
            DateTimeOffset now = _client.TimeProvider.GetUtcNow();
            GenerationKeyState? fleet = await shared.ReadAsync(
                new GenerationKeyStateQuery
                {
                    Provider = shared.Provider,
                    KeyId = slot.Key.Id,
                    Now = now,
                    Burst = 1,
                    KeyCheckFor = request.Options.AttemptTimeout < SharedKeyCheckClaim ? request.Options.AttemptTimeout : SharedKeyCheckClaim,
                },
                cancellationToken).ConfigureAwait(false);
            if (fleet is not { } state)
            {
                return true;
            }

            shared.Local.Merge(slot.Key.Id, state);
            if (state.QuarantinedUntil > now)
            {
                QuarantineShared(slot, state.QuarantinedUntil, request, now);
                return false;
            }

            if (state.KeyChecked)
            {
                slot.Verified = true;
                return false;
            }

            if (state.KeyCheckClaimed)
            {
                return true;
            }

            // Most checks answer within the first looks; a slow one is not worth a call to Redis every 50 ms.
            await Task.Delay(poll, _client.TimeProvider, cancellationToken).ConfigureAwait(false);
            poll = poll * 2 < SharedKeyCheckPollMax ? poll * 2 : SharedKeyCheckPollMax;
        }
    }
}
