namespace GenResilience.Keys.Internal;

/// <summary>
/// Decides when requests may send with one key. Until the key's first 429 every request goes at once, without a lock.
/// After it, requests wait in arrival order: nothing leaves during the cooldown, one trial request leaves when it
/// ends, and once that trial has answered the rest follow at the key's rate: the configured
/// <see cref="GenerationResilienceOptions.RequestsPerSecondPerKey"/>, or else the rate learned by
/// <see cref="AdaptiveRate"/>. A key with a configured rate is paced from its first request.
/// </summary>
/// <remarks>
/// The pacing is a token bucket that holds at most 50 ms of requests (at least one), so a timer that fires late
/// does not lose the time, driven by the
/// <see cref="TimeProvider"/>. It is ours rather than <c>System.Threading.RateLimiting.TokenBucketRateLimiter</c>
/// because those limiters read <c>Stopwatch</c> instead of a <see cref="TimeProvider"/> (dotnet/runtime#106447),
/// so tests could not drive them with a fake clock, and their rate is fixed at construction, while a learned rate
/// changes with every 429.
/// </remarks>
internal sealed class KeyAdmission
{
    /// <summary>How long the others wait for the trial's answer before they follow at the key's rate anyway.</summary>
    internal static readonly TimeSpan TrialAnswerWait = TimeSpan.FromSeconds(1);

    private const double BurstSeconds = 0.05;
    private const long HalfSecondTicks = TimeSpan.TicksPerSecond / 2;

    // Tokens are earned in floating point; a timer set for the moment a token is due must find it there.
    private const double TokenEpsilon = 1e-6;

    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _queue = new();
    private readonly TimeProvider _time;
    private readonly double? _configuredRate;

    private volatile bool _open;
    private int _inFlight;
    private ITimer? _timer;
    private DateTimeOffset _timerDue = DateTimeOffset.MaxValue;

    private AdaptiveRate? _adaptive;
    private double _tokens;
    private DateTimeOffset _refilledAt;
    private DateTimeOffset _coolingUntil;
    private DateTimeOffset _epochStart;
    private int _epoch;
    private int _admittedInEpoch;
    private bool _trialPending;
    private long _trialId;
    private long _lastTrialId;
    private DateTimeOffset _trialReleasedAt;
    private long _successBucket;
    private int _successesInBucket;
    private int _successesInPreviousBucket;

    public KeyAdmission(TimeProvider time, double? configuredRate)
    {
        _time = time;
        _configuredRate = configuredRate;
        _open = configuredRate is null;
        _refilledAt = time.GetUtcNow();
        _tokens = configuredRate is null ? 0 : Capacity(configuredRate.Value);
    }

    /// <summary>Gets the rate the key is paced at now, in requests per second; <see langword="null"/> while it is not paced.</summary>
    public double? Rate
    {
        get
        {
            lock (_gate)
            {
                return CurrentRate;
            }
        }
    }

    /// <summary>Gets how many requests were admitted and have not ended yet (for tests that step a fake clock).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Gets how many requests wait for this key.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Gets a value indicating whether the key has never met a 429 and is not paced: every request goes at once.</summary>
    public bool IsOpen => _open;

    /// <summary>Gets the configured rate this admission was built with.</summary>
    public double? ConfiguredRate => _configuredRate;

    private double? CurrentRate => _configuredRate ?? _adaptive?.Rate;

    /// <summary>Whether the key is in a 429 cooldown at <paramref name="now"/>.</summary>
    public bool IsCooling(DateTimeOffset now)
    {
        if (_open)
        {
            return false;
        }

        lock (_gate)
        {
            return now < _coolingUntil;
        }
    }

    /// <summary>Reads where the key stands at <paramref name="now"/>, for health checks: nothing changes and nothing is sent.</summary>
    public KeyAdmissionState GetState(DateTimeOffset now)
    {
        if (_open)
        {
            return new KeyAdmissionState(KeyAdmissionPhase.Open, default, null, 0);
        }

        lock (_gate)
        {
            KeyAdmissionPhase phase = now < _coolingUntil ? KeyAdmissionPhase.Cooling
                : _trialId != 0 && now < _trialReleasedAt + TrialAnswerWait ? KeyAdmissionPhase.Trial
                : KeyAdmissionPhase.Paced;
            return new KeyAdmissionState(phase, _coolingUntil, CurrentRate, _queue.Count);
        }
    }

    /// <summary>
    /// Admits a request now if the key can take it without anyone waiting ahead of it.
    /// </summary>
    public bool TryAdmit(DateTimeOffset now, out AdmissionTicket ticket)
    {
        if (_open)
        {
            ticket = AdmissionTicket.Admitted(0);
            Interlocked.Increment(ref _inFlight);
            return true;
        }

        lock (_gate)
        {
            return TryAdmitLocked(now, out ticket);
        }
    }

    /// <summary>When a request that joined the queue now would be admitted, if nothing changes.</summary>
    public DateTimeOffset EstimateAdmission(DateTimeOffset now)
    {
        if (_open)
        {
            return now;
        }

        lock (_gate)
        {
            return EstimateLocked(now, _queue.Count);
        }
    }

    /// <summary>
    /// Waits in line for the key. Ends at once with <see cref="AdmissionStatus.TooLate"/> when the key could not
    /// take the request before <paramref name="deadline"/>.
    /// </summary>
    public ValueTask<AdmissionTicket> WaitAsync(DateTimeOffset now, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            if (TryAdmitLocked(now, out AdmissionTicket ticket))
            {
                return new ValueTask<AdmissionTicket>(ticket);
            }

            DateTimeOffset admission = EstimateLocked(now, _queue.Count);
            if (deadline is { } d && admission > d)
            {
                return new ValueTask<AdmissionTicket>(AdmissionTicket.TooLate(admission - now));
            }

            Refill(now);
            waiter = new Waiter(this, deadline);
            waiter.Node = _queue.AddLast(waiter);
            Pump(now);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(static (state, token) => ((Waiter)state!).Cancel(token), waiter);
            if (waiter.Task.IsCompleted)
            {
                waiter.Registration.Unregister();
            }
        }

        return new ValueTask<AdmissionTicket>(waiter.Task);
    }

    /// <summary>Learns from a 429 on a request admitted with <paramref name="ticket"/>: cool down, then a trial, then pace.</summary>
    /// <param name="ticket">The ticket the request was admitted with.</param>
    /// <param name="coolingUntil">When the key may send again.</param>
    /// <param name="now">The time of the 429.</param>
    public void OnRateLimited(AdmissionTicket ticket, DateTimeOffset coolingUntil, DateTimeOffset now)
    {
        EndInFlight(ticket);
        lock (_gate)
        {
            Refill(now);

            // A key check's 429 (epoch -1) counts only on a key that was never limited: an open key ignores cooldowns,
            // so without it the first request would go straight into another 429.
            if (ticket.Epoch == _epoch || (ticket.Epoch < 0 && _open))
            {
                // The first 429 of requests sent under the current pace: learn from it once. The rest of the burst
                // (requests sent before it) only extend the cooldown.
                if (_configuredRate is null)
                {
                    if (_adaptive is null)
                    {
                        _adaptive = new AdaptiveRate(SuccessesInLastSecond(now));
                        _open = false;
                    }
                    else
                    {
                        _adaptive.OnRateLimited(_admittedInEpoch, Math.Max(0, (now - _epochStart).TotalSeconds), RecentSuccessRate(now));
                    }
                }

                _epoch++;
                _admittedInEpoch = 0;
                _tokens = 0;
            }

            if (coolingUntil > _coolingUntil)
            {
                _coolingUntil = coolingUntil;
            }

            _epochStart = _coolingUntil;
            _trialPending = true;
            if (ticket.TrialId != 0 && ticket.TrialId == _trialId)
            {
                _trialId = 0;
            }

            FailWaitersPastDeadline(now);
            Pump(now);
        }
    }

    /// <summary>Records the end of a request admitted with <paramref name="ticket"/> that was not a 429.</summary>
    /// <param name="ticket">The ticket the request was admitted with.</param>
    /// <param name="succeeded">Whether the provider accepted the request.</param>
    /// <param name="now">When it ended.</param>
    public void OnCompleted(AdmissionTicket ticket, bool succeeded, DateTimeOffset now)
    {
        EndInFlight(ticket);
        if (_open)
        {
            // No line, no trial, no rate yet: only the count of recent successes matters, for the first estimate.
            if (succeeded)
            {
                CountSuccessLockFree(now);
            }

            return;
        }

        lock (_gate)
        {
            if (succeeded)
            {
                CountSuccess(now);
                if (ticket.Epoch == _epoch)
                {
                    _admittedInEpoch++;
                }
            }

            if (ticket.TrialId != 0 && ticket.TrialId == _trialId)
            {
                _trialId = 0;
                Pump(now);
            }
        }
    }

    /// <summary>Sends every waiter back to choose a key again: this key was rejected or removed.</summary>
    public void ReleaseAllToRetry()
    {
        lock (_gate)
        {
            while (_queue.First is { } node)
            {
                _queue.RemoveFirst();
                node.Value.Release(AdmissionTicket.Retry);
            }

            StopTimer();
        }
    }

    private void EndInFlight(AdmissionTicket ticket)
    {
        // Key checks (epoch -1) are not admitted through the queue.
        if (ticket.Epoch >= 0)
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static double Capacity(double rate) => Math.Max(1, rate * BurstSeconds);

    /// <summary>Seconds as a time span rounded up to whole ticks, never zero: a timer must never fire at "now".</summary>
    private static TimeSpan Ticks(double seconds) => TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling(seconds * TimeSpan.TicksPerSecond)));

    private bool TryAdmitLocked(DateTimeOffset now, out AdmissionTicket ticket)
    {
        ticket = default;
        if (_queue.Count > 0 || now < _coolingUntil)
        {
            return false;
        }

        if (_trialId != 0)
        {
            if (now < _trialReleasedAt + TrialAnswerWait)
            {
                return false;
            }

            _trialId = 0;
        }

        if (_trialPending)
        {
            ticket = ReleaseTrial(now);
            return true;
        }

        if (CurrentRate is not null)
        {
            Refill(now);
            if (_tokens < 1 - TokenEpsilon)
            {
                return false;
            }

            _tokens--;
        }

        ticket = AdmissionTicket.Admitted(_epoch);
        Interlocked.Increment(ref _inFlight);
        return true;
    }

    private AdmissionTicket ReleaseTrial(DateTimeOffset now)
    {
        Refill(now);
        _tokens = Math.Max(0, _tokens - 1);
        _trialPending = false;
        _trialId = ++_lastTrialId;
        _trialReleasedAt = now;
        Interlocked.Increment(ref _inFlight);
        return AdmissionTicket.Admitted(_epoch, _trialId);
    }

    private DateTimeOffset EstimateLocked(DateTimeOffset now, int ahead)
    {
        DateTimeOffset start = now > _coolingUntil ? now : _coolingUntil;
        if (CurrentRate is not { } rate)
        {
            return start;
        }

        double tokens = Math.Min(Capacity(rate), _tokens + (Math.Max(0, (start - _refilledAt).TotalSeconds) * rate));
        double needed = ahead + 1 - tokens;
        return needed <= TokenEpsilon ? start : start + Ticks(needed / rate);
    }

    /// <summary>Adds the tokens earned since the last refill and, for a learned rate, lets it grow for the time spent at the limit.</summary>
    private void Refill(DateTimeOffset now)
    {
        if (now <= _refilledAt)
        {
            return;
        }

        if (_adaptive is not null && _queue.Count > 0)
        {
            DateTimeOffset from = _refilledAt > _coolingUntil ? _refilledAt : _coolingUntil;
            if (now > from)
            {
                _adaptive.OnTimeAtLimit((now - from).TotalSeconds);
            }
        }

        if (CurrentRate is { } rate)
        {
            _tokens = Math.Min(Capacity(rate), _tokens + ((now - _refilledAt).TotalSeconds * rate));
        }

        _refilledAt = now;
    }

    /// <summary>Releases every waiter that may go now, then sets the timer for the next one.</summary>
    private void Pump(DateTimeOffset now)
    {
        while (_queue.First is { } node)
        {
            if (now < _coolingUntil)
            {
                Schedule(_coolingUntil, now);
                return;
            }

            if (_trialId != 0)
            {
                DateTimeOffset answerDue = _trialReleasedAt + TrialAnswerWait;
                if (now < answerDue)
                {
                    Schedule(answerDue, now);
                    return;
                }

                _trialId = 0;
            }

            AdmissionTicket ticket;
            if (_trialPending)
            {
                ticket = ReleaseTrial(now);
            }
            else
            {
                if (CurrentRate is { } rate)
                {
                    Refill(now);
                    if (_tokens < 1 - TokenEpsilon)
                    {
                        Schedule(now + Ticks((1 - _tokens) / rate), now);
                        return;
                    }

                    _tokens--;
                }

                ticket = AdmissionTicket.Admitted(_epoch);
                Interlocked.Increment(ref _inFlight);
            }

            Refill(now);
            _queue.RemoveFirst();
            node.Value.Release(ticket);
        }

        StopTimer();
    }

    private void FailWaitersPastDeadline(DateTimeOffset now)
    {
        int position = 0;
        for (LinkedListNode<Waiter>? node = _queue.First; node is not null;)
        {
            LinkedListNode<Waiter>? next = node.Next;
            if (node.Value.Deadline is { } deadline)
            {
                DateTimeOffset admission = EstimateLocked(now, position);
                if (admission > deadline)
                {
                    _queue.Remove(node);
                    node.Value.Release(AdmissionTicket.TooLate(admission - now));
                    node = next;
                    continue;
                }
            }

            position++;
            node = next;
        }
    }

    private void Schedule(DateTimeOffset due, DateTimeOffset now)
    {
        if (due == _timerDue)
        {
            return;
        }

        _timerDue = due;
        TimeSpan delay = due > now ? due - now : TimeSpan.FromTicks(1);

        // A new timer each time rather than Change on the old one: Pump runs inside the timer's own callback, and
        // FakeTimeProvider drops a one-shot timer after its callback returns, even one re-armed inside it.
        _timer?.Dispose();
        _timer = _time.CreateTimer(static state => ((KeyAdmission)state!).OnTimer(), this, delay, Timeout.InfiniteTimeSpan);
    }

    private void StopTimer()
    {
        _timer?.Dispose();
        _timer = null;
        _timerDue = DateTimeOffset.MaxValue;
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            _timerDue = DateTimeOffset.MaxValue;
            Pump(_time.GetUtcNow());
        }
    }

    private void Cancel(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is not null)
            {
                _queue.Remove(waiter.Node);
                if (_queue.Count == 0)
                {
                    StopTimer();
                }
            }
        }

        waiter.TrySetCanceled(cancellationToken);
    }

    private void CountSuccess(DateTimeOffset now)
    {
        long bucket = now.UtcTicks / HalfSecondTicks;
        if (bucket != _successBucket)
        {
            _successesInPreviousBucket = bucket == _successBucket + 1 ? _successesInBucket : 0;
            _successesInBucket = 0;
            _successBucket = bucket;
        }

        _successesInBucket++;
    }

    /// <summary>
    /// Counts a success without the lock while the key is open. Two counts racing at a half-second boundary may put a
    /// success in the wrong half: close enough for a first estimate.
    /// </summary>
    private void CountSuccessLockFree(DateTimeOffset now)
    {
        long bucket = now.UtcTicks / HalfSecondTicks;
        long current = Volatile.Read(ref _successBucket);
        if (bucket != current && Interlocked.CompareExchange(ref _successBucket, bucket, current) == current)
        {
            int previous = Interlocked.Exchange(ref _successesInBucket, 0);
            Volatile.Write(ref _successesInPreviousBucket, bucket == current + 1 ? previous : 0);
        }

        Interlocked.Increment(ref _successesInBucket);
    }

    /// <summary>Successes per second over the current half second and the one before it.</summary>
    private double RecentSuccessRate(DateTimeOffset now)
    {
        long bucket = now.UtcTicks / HalfSecondTicks;
        double intoBucket = (double)(now.UtcTicks % HalfSecondTicks) / TimeSpan.TicksPerSecond;
        int count = bucket == _successBucket ? _successesInBucket + _successesInPreviousBucket
            : bucket == _successBucket + 1 ? _successesInBucket
            : 0;
        return count / (0.5 + intoBucket);
    }

    private int SuccessesInLastSecond(DateTimeOffset now)
    {
        long bucket = now.UtcTicks / HalfSecondTicks;
        return bucket == _successBucket ? _successesInBucket + _successesInPreviousBucket
            : bucket == _successBucket + 1 ? _successesInBucket
            : 0;
    }

    private sealed class Waiter(KeyAdmission owner, DateTimeOffset? deadline)
        : TaskCompletionSource<AdmissionTicket>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public DateTimeOffset? Deadline { get; } = deadline;

        public void Release(AdmissionTicket ticket)
        {
            Registration.Unregister();
            TrySetResult(ticket);
        }

        public void Cancel(CancellationToken cancellationToken) => owner.Cancel(this, cancellationToken);
    }
}
