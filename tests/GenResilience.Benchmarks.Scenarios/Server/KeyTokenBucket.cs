namespace GenResilience.Benchmarks.Server;

/// <summary>A provider's per-key limit: <c>capacity</c> requests at once, refilled at <c>rate</c> per second. Not thread-safe.</summary>
internal sealed class KeyTokenBucket(double rate, int capacity, TimeSpan now)
{
    private double _tokens = capacity;
    private TimeSpan _refilledAt = now;

    public bool TryTake(TimeSpan now)
    {
        if (now > _refilledAt)
        {
            _tokens = Math.Min(capacity, _tokens + ((now - _refilledAt).TotalSeconds * rate));
            _refilledAt = now;
        }

        if (_tokens < 1)
        {
            return false;
        }

        _tokens--;
        return true;
    }
}
