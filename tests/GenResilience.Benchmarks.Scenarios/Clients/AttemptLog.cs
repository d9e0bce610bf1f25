namespace GenResilience.Benchmarks.Clients;

/// <summary>
/// Every attempt a client put on the wire, with its send and answer times, so a run can tell which 429s were already
/// on their way before the client could have known of any limit. Filled by <see cref="AttemptLogHandler"/>.
/// </summary>
public sealed class AttemptLog
{
    private readonly object _gate = new();
    private readonly List<Attempt> _attempts = [];

    /// <summary>Gets every attempt so far, in the order they were answered.</summary>
    public IReadOnlyList<Attempt> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _attempts];
            }
        }
    }

    /// <summary>Adds an attempt.</summary>
    /// <param name="attempt">The attempt.</param>
    public void Add(Attempt attempt)
    {
        lock (_gate)
        {
            _attempts.Add(attempt);
        }
    }
}
