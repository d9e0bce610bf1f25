using Microsoft.Extensions.Time.Testing;

namespace GenResilience.Benchmarks.Outage;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows its pending timers, so the outage scenario can move the clock to the
/// next one once everything else has settled: a minute of outage and its retries pass in real milliseconds, and every
/// wait still lasts exactly what the code under test asked for.
/// </summary>
public sealed class SimulatedClock : FakeTimeProvider
{
    private readonly object _gate = new();
    private readonly List<TrackedTimer> _timers = [];
    private long _version;

    /// <summary>Initializes a new instance of the <see cref="SimulatedClock"/> class at <paramref name="start"/>.</summary>
    /// <param name="start">The clock's first time.</param>
    public SimulatedClock(DateTimeOffset start)
        : base(start)
    {
    }

    /// <summary>Gets a number that changes whenever a timer is created, changed, fired or disposed.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Gets how long until the earliest pending timer that fires within <paramref name="horizon"/>, if any.</summary>
    /// <param name="horizon">How far ahead to look.</param>
    /// <returns>The time to it (zero when it is already due), or <see langword="null"/>.</returns>
    public TimeSpan? NextDue(TimeSpan horizon)
    {
        DateTimeOffset now = GetUtcNow();
        TimeSpan? next = null;
        lock (_gate)
        {
            // A fired timer can be changed and fire again; a disposed one cannot.
            _timers.RemoveAll(t => t.Disposed);
            foreach (TrackedTimer timer in _timers)
            {
                TimeSpan due = timer.DueAt - now;
                due = due < TimeSpan.Zero ? TimeSpan.Zero : due;
                if (due <= horizon && (next is null || due < next))
                {
                    next = due;
                }
            }
        }

        return next;
    }

    /// <summary>Gets how many timers are pending that fire within <paramref name="horizon"/>.</summary>
    /// <param name="horizon">How far ahead to look.</param>
    /// <returns>The count.</returns>
    public int PendingWithin(TimeSpan horizon)
    {
        DateTimeOffset limit = GetUtcNow() + horizon;
        lock (_gate)
        {
            return _timers.Count(t => t.Pending && t.DueAt <= limit);
        }
    }

    /// <inheritdoc/>
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

        Touch();
        return tracked;
    }

    /// <summary>Runs <paramref name="action"/> while the clock moves a second every millisecond (Polly polls its clock while a pipeline is disposed).</summary>
    /// <param name="action">What to run, such as disposing the services.</param>
    public void KeepMovingWhile(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using var done = new CancellationTokenSource();
        Task clock = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(1, CancellationToken.None).ConfigureAwait(false);
            }
        });
        try
        {
            action();
        }
        finally
        {
            done.Cancel();
            clock.GetAwaiter().GetResult();
        }
    }

    private void Touch() => Interlocked.Increment(ref _version);

    private sealed class TrackedTimer(SimulatedClock owner, TimeSpan dueTime, DateTimeOffset dueAt) : ITimer
    {
        private volatile bool _fired;
        private volatile bool _disposed;

        public ITimer Inner { get; set; } = null!;

        public TimeSpan DueTime { get; private set; } = dueTime;

        public DateTimeOffset DueAt { get; private set; } = dueAt;

        public bool Pending => !_fired && !_disposed && DueTime != Timeout.InfiniteTimeSpan;

        public bool Disposed => _disposed;

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

            owner.Touch();
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            DueTime = dueTime;
            DueAt = owner.GetUtcNow() + dueTime;
            _fired = false;
            bool changed = Inner.Change(dueTime, period);
            owner.Touch();
            return changed;
        }

        public void Dispose()
        {
            _disposed = true;
            Inner.Dispose();
            owner.Touch();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
