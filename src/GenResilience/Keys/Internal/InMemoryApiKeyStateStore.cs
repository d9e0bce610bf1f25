namespace GenResilience.Keys.Internal;

/// <summary>
/// The process-local <see cref="IApiKeyStateStore"/>.
/// </summary>
internal sealed class InMemoryApiKeyStateStore : IApiKeyStateStore
{
    private readonly Dictionary<string, ApiKeyState> _states = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public ApiKeyState Get(string keyId)
    {
        lock (_gate)
        {
            return _states.GetValueOrDefault(keyId);
        }
    }

    public void Quarantine(string keyId, DateTimeOffset until)
    {
        lock (_gate)
        {
            ApiKeyState state = _states.GetValueOrDefault(keyId);
            _states[keyId] = state with { QuarantinedUntil = until > state.QuarantinedUntil ? until : state.QuarantinedUntil };
        }
    }

    public ApiKeyState RecordRateLimit(string keyId, DateTimeOffset attemptStartedAt, DateTimeOffset now, Func<int, TimeSpan> cooldownForCount)
    {
        lock (_gate)
        {
            ApiKeyState state = _states.GetValueOrDefault(keyId);
            bool sameBurst = attemptStartedAt < state.LastRateLimitAt;
            int count = sameBurst ? Math.Max(1, state.ConsecutiveRateLimits) : state.ConsecutiveRateLimits + 1;
            DateTimeOffset until = now + cooldownForCount(count);

            state = state with
            {
                ConsecutiveRateLimits = count,
                CoolingUntil = until > state.CoolingUntil ? until : state.CoolingUntil,
                LastRateLimitAt = now,
            };
            _states[keyId] = state;
            return state;
        }
    }

    public void RecordSuccess(string keyId, DateTimeOffset attemptStartedAt)
    {
        lock (_gate)
        {
            if (_states.TryGetValue(keyId, out ApiKeyState state) && state.ConsecutiveRateLimits != 0 && attemptStartedAt >= state.LastRateLimitAt)
            {
                _states[keyId] = state with { ConsecutiveRateLimits = 0 };
            }
        }
    }

    public void LiftQuarantine(string keyId)
    {
        lock (_gate)
        {
            if (_states.TryGetValue(keyId, out ApiKeyState state))
            {
                _states[keyId] = state with { QuarantinedUntil = default };
            }
        }
    }

    public void LiftQuarantines()
    {
        lock (_gate)
        {
            foreach (string keyId in _states.Keys.ToArray())
            {
                _states[keyId] = _states[keyId] with { QuarantinedUntil = default };
            }
        }
    }
}
