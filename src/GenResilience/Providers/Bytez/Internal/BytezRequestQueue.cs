using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;

namespace GenResilience.Providers.Bytez.Internal;

/// <summary>
/// Keeps a client inside its Bytez plan: at most <see cref="MaxConcurrent"/> runs in flight, the permits held by a
/// <see cref="ConcurrencyLimiter"/> from <c>System.Threading.RateLimiting</c>. That limiter's own queue knows only
/// first-in or last-in first-out, so the waiting line is kept here, by priority: a freed permit goes to the oldest
/// waiter of the highest priority, except that a waiter passed over by <see cref="OvertakeLimit"/> later arrivals goes
/// next (the oldest such first), so none starves. A waiter can leave at once (cancellation), and a full line refuses
/// newcomers at once.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "A ConcurrencyLimiter without a queue holds no timer and nothing unmanaged; disposing it would only fail the permits of runs still in flight.")]
internal sealed class BytezRequestQueue
{
    private readonly ConcurrencyLimiter _permits;
    private readonly object _gate = new();

    // One first-come-first-served line per priority: High, Normal, Low.
    private readonly LinkedList<Waiter>[] _lines = [new(), new(), new()];
    private long _arrivals;
    private int _queued;

    public BytezRequestQueue(int maxConcurrent, int maxQueueLength, int overtakeLimit)
    {
        MaxConcurrent = maxConcurrent;
        MaxQueueLength = maxQueueLength;
        OvertakeLimit = overtakeLimit;
        _permits = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = maxConcurrent,
            QueueLimit = 0,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public int MaxConcurrent { get; }

    public int MaxQueueLength { get; }

    public int OvertakeLimit { get; }

    /// <summary>Gets how many runs are waiting for a permit.</summary>
    public int QueueLength
    {
        get
        {
            lock (_gate)
            {
                return _queued;
            }
        }
    }

    /// <summary>Gets how many runs hold a permit.</summary>
    public int InFlight => MaxConcurrent - (int)(_permits.GetStatistics()?.CurrentAvailablePermits ?? MaxConcurrent);

    /// <summary>
    /// Takes a permit, waiting in line if none is free. Returns <see langword="null"/> at once when the line is full.
    /// Dispose the result to give the permit back.
    /// </summary>
    public async ValueTask<IDisposable?> EnterAsync(BytezPriority priority, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_gate)
        {
            if (_queued == 0)
            {
                RateLimitLease lease = _permits.AttemptAcquire();
                if (lease.IsAcquired)
                {
                    return new Permit(this, lease);
                }

                lease.Dispose();
            }

            if (_queued >= MaxQueueLength)
            {
                return null;
            }

            waiter = new Waiter(this, ++_arrivals, cancellationToken);
            waiter.Node = _lines[LineOf(priority)].AddLast(waiter);
            _queued++;
        }

        // A permit may have come free between the two looks above.
        Dispatch();

        await using (cancellationToken.Register(static state => ((Waiter)state!).Leave(), waiter).ConfigureAwait(false))
        {
            RateLimitLease lease = await waiter.Granted.Task.ConfigureAwait(false);
            return new Permit(this, lease);
        }
    }

    private static int LineOf(BytezPriority priority) => priority switch
    {
        BytezPriority.High => 0,
        BytezPriority.Low => 2,
        _ => 1,
    };

    /// <summary>Hands every free permit to the next waiter.</summary>
    private void Dispatch()
    {
        List<(Waiter Waiter, RateLimitLease Lease)>? grants = null;
        lock (_gate)
        {
            while (_queued > 0)
            {
                RateLimitLease lease = _permits.AttemptAcquire();
                if (!lease.IsAcquired)
                {
                    lease.Dispose();
                    break;
                }

                Waiter next = PickNext();
                Remove(next);
                (grants ??= []).Add((next, lease));
            }
        }

        if (grants is null)
        {
            return;
        }

        foreach ((Waiter waiter, RateLimitLease lease) in grants)
        {
            // Only this method and Leave complete a waiter, each after taking it out of its line under the lock.
            waiter.Granted.SetResult(lease);
        }
    }

    /// <summary>
    /// The head of the highest non-empty line, unless a waiter has been passed over <see cref="OvertakeLimit"/> times:
    /// then the oldest such waiter. Every waiter that arrived before the one chosen has been passed over once more.
    /// </summary>
    private Waiter PickNext()
    {
        Waiter? chosen = null;

        // Within a line every waiter that arrived later was passed over at most as often, so only heads can be due.
        foreach (LinkedList<Waiter> line in _lines)
        {
            if (line.First?.Value is { } head && head.Overtaken >= OvertakeLimit && (chosen is null || head.Arrival < chosen.Arrival))
            {
                chosen = head;
            }
        }

        chosen ??= (_lines[0].First ?? _lines[1].First ?? _lines[2].First)!.Value;

        foreach (LinkedList<Waiter> line in _lines)
        {
            for (LinkedListNode<Waiter>? node = line.First; node is not null && node.Value.Arrival < chosen.Arrival; node = node.Next)
            {
                node.Value.Overtaken++;
            }
        }

        return chosen;
    }

    private void Remove(Waiter waiter)
    {
        waiter.Node!.List!.Remove(waiter.Node);
        _queued--;
    }

    private void Release(RateLimitLease lease)
    {
        lease.Dispose();
        Dispatch();
    }

    /// <summary>One run waiting for a permit.</summary>
    private sealed class Waiter(BytezRequestQueue queue, long arrival, CancellationToken cancellationToken)
    {
        public long Arrival { get; } = arrival;

        public int Overtaken { get; set; }

        public LinkedListNode<Waiter>? Node { get; set; }

        public TaskCompletionSource<RateLimitLease> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Leaves the line at once (the caller cancelled); the ones behind move up.</summary>
        public void Leave()
        {
            lock (queue._gate)
            {
                if (Node?.List is null)
                {
                    return;
                }

                queue.Remove(this);
            }

            Granted.SetCanceled(cancellationToken);
        }
    }

    /// <summary>A permit held by one run; disposing it gives the permit to the next waiter.</summary>
    private sealed class Permit(BytezRequestQueue queue, RateLimitLease lease) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                queue.Release(lease);
            }
        }
    }
}
