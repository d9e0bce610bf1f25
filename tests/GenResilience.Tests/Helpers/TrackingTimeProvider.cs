using Microsoft.Extensions.Time.Testing;

namespace GenResilience.Tests.Helpers;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows which timers are pending, so a test can wait until the code under
/// test has actually started a wait (a retry delay, a cooldown) before it moves the clock.
/// </summary>
public sealed class TrackingTimeProvider : FakeTimeProvider
{
    private static readonly TimeSpan SafetyTimeout = TaskExtensions.Safety;

    private readonly object _gate = new();
    private readonly List<TrackedTimer> _timers = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TrackingTimeProvider()
        : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Gets the due times of the timers that are pending now.</summary>
    public IReadOnlyList<TimeSpan> PendingDueTimes
    {
        get
        {
            lock (_gate)
            {
                return [.. _timers.Where(t => t.Pending).Select(t => t.DueTime)];
            }
        }
    }

    /// <summary>Gets a task that completes the next time a timer is created, changed, fired or disposed.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>Gets how long until the earliest pending timer fires, if one fires within <paramref name="horizon"/>.</summary>
    public TimeSpan? NextDue(TimeSpan horizon)
    {
        DateTimeOffset now = GetUtcNow();
        lock (_gate)
        {
            TimeSpan? next = null;
            foreach (TrackedTimer timer in _timers.Where(t => t.Pending))
            {
                TimeSpan due = timer.DueAt - now;
                due = due < TimeSpan.Zero ? TimeSpan.Zero : due;
                if (due <= horizon && (next is null || due < next))
                {
                    next = due;
                }
            }

            return next;
        }
    }

    /// <summary>
    /// Runs <paramref name="dispose"/> while the clock moves a second every millisecond. Polly waits for a pipeline's
    /// executions to end before disposing it, polling on the pipeline's clock: without the clock moving, disposing
    /// services that still have requests waiting would hang.
    /// </summary>
    public void KeepMovingWhile(Action dispose)
    {
        using var disposed = new CancellationTokenSource();
        Task clock = Task.Run(async () =>
        {
            while (!disposed.IsCancellationRequested)
            {
                Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(1);
            }
        });
        try
        {
            dispose();
        }
        finally
        {
            disposed.Cancel();
            clock.Wait();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this, dueTime, GetUtcNow() + dueTime);
        tracked.Inner = base.CreateTimer(
            s =>
            {
                tracked.MarkFired(period);
                callback(s);
            },
            state,
            dueTime,
            period);
        lock (_gate)
        {
            _timers.Add(tracked);
        }

        Signal();
        return tracked;
    }

    /// <summary>Waits (on the real clock, bounded) until a timer with exactly this due time is pending.</summary>
    public Task WaitForTimerAsync(TimeSpan dueTime) => WaitForTimersAsync(dueTime, count: 1);

    /// <summary>Waits (on the real clock, bounded) until <paramref name="count"/> timers with exactly this due time are pending.</summary>
    public Task WaitForTimersAsync(TimeSpan dueTime, int count) => WaitForTimersAsync(d => d == dueTime, count, dueTime.ToString());

    /// <summary>Waits (on the real clock, bounded) until a pending timer's due time matches <paramref name="match"/>, and returns it.</summary>
    public async Task<TimeSpan> WaitForTimerAsync(Func<TimeSpan, bool> match)
    {
        await WaitForTimersAsync(match, 1, "matching");
        return PendingDueTimes.First(match);
    }

    private async Task WaitForTimersAsync(Func<TimeSpan, bool> match, int count, string description)
    {
        using var timeout = new CancellationTokenSource(SafetyTimeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_timers.Count(t => t.Pending && match(t.DueTime)) >= count)
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {count} timer(s) of {description} were started; pending: [{string.Join(", ", PendingDueTimes)}].");
            }
        }
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    private sealed class TrackedTimer(TrackingTimeProvider owner, TimeSpan dueTime, DateTimeOffset dueAt) : ITimer
    {
        private bool _fired;
        private bool _disposed;

        public ITimer Inner { get; set; } = null!;

        public TimeSpan DueTime { get; private set; } = dueTime;

        public DateTimeOffset DueAt { get; private set; } = dueAt;

        public bool Pending => !_fired && !_disposed && DueTime != Timeout.InfiniteTimeSpan;

        public void MarkFired(TimeSpan period)
        {
            if (period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero)
            {
                _fired = true;
            }
            else
            {
                DueAt = owner.GetUtcNow() + period;
            }

            owner.Signal();
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            DueTime = dueTime;
            DueAt = owner.GetUtcNow() + dueTime;
            _fired = false;
            bool changed = Inner.Change(dueTime, period);
            owner.Signal();
            return changed;
        }

        public void Dispose()
        {
            _disposed = true;
            Inner.Dispose();
            owner.Signal();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
