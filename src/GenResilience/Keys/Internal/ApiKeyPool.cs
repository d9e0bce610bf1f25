using GenResilience.Diagnostics.Internal;
using GenResilience.Errors.Internal;
using GenResilience.Resilience.Internal;
using Microsoft.Extensions.Logging;

namespace GenResilience.Keys.Internal;

/// <summary>
/// The single source of truth for the keys of one client, shared by all of its requests: which key the next
/// attempt uses, which keys are quarantined after a rejection and which are cooling down after a 429.
/// A request never gets a key the pool already knows is bad, so a revoked key costs one round trip in total.
/// </summary>
internal sealed class ApiKeyPool
{
    private readonly GenerationClientContext _client;
    private readonly IApiKeyStateStore _store;
    private readonly object _gate = new();
    private GenerationResilienceOptions? _optionsInUse;
    private ApiKey[] _keys = [];
    private int _next = -1;

    public ApiKeyPool(GenerationClientContext client, IApiKeyStateStore store)
    {
        _client = client;
        _store = store;
    }

    /// <summary>
    /// Takes the key for the next attempt: a key that is neither quarantined nor cooling down, in round-robin order.
    /// When every usable key is cooling down, waits for the first cooldown to end, unless that would overrun the
    /// request's total timeout. Throws <see cref="GenerationException"/> when every key is quarantined.
    /// </summary>
    public async ValueTask<ApiKeyLease> AcquireAsync(RequestState request, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            GenerationResilienceOptions options = _client.Options;
            ApiKey[] keys = CurrentKeys(options);
            DateTimeOffset now = _client.TimeProvider.GetUtcNow();

            int start = (int)((uint)Interlocked.Increment(ref _next) % (uint)keys.Length);
            DateTimeOffset firstFree = DateTimeOffset.MaxValue;
            int usable = 0;
            for (int i = 0; i < keys.Length; i++)
            {
                ApiKey key = keys[(start + i) % keys.Length];
                ApiKeyState state = _store.Get(key.Id);
                if (state.QuarantinedUntil > now)
                {
                    continue;
                }

                usable++;
                if (state.CoolingUntil <= now)
                {
                    return new ApiKeyLease(key, now, options.ApiKeyHeaderName, options.ApiKeyScheme);
                }

                firstFree = state.CoolingUntil < firstFree ? state.CoolingUntil : firstFree;
            }

            if (usable == 0)
            {
                Log.AllKeysRejected(_client.Logger, request.Target, keys.Length, _client.KeysSetting);
                throw GenerationErrors.AllKeysRejected(request, keys.Length, _client.KeysSetting);
            }

            TimeSpan wait = firstFree - now;
            if (request.Deadline is { } deadline && firstFree > deadline)
            {
                TimeSpan remaining = deadline > now ? deadline - now : TimeSpan.Zero;
                Log.RateLimitWaitTooLong(_client.Logger, request.Target, new LogDuration(wait), new LogDuration(remaining));
                throw GenerationErrors.RateLimitWaitTooLong(request, wait, remaining);
            }

            Log.WaitingForRateLimit(_client.Logger, request.Target, new LogDuration(wait));
            _client.Metrics.RateLimitWait(_client.Provider, wait);
            await Task.Delay(wait, _client.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Records what an attempt with <paramref name="lease"/> taught about its key.
    /// </summary>
    public void Report(ApiKeyLease lease, GenerationOutcomeKind outcome, int statusCode, TimeSpan? retryAfter, RequestState request)
    {
        ApiKey key = lease.Key;
        switch (outcome)
        {
            case GenerationOutcomeKind.Success:
                _store.RecordSuccess(key.Id);
                break;

            case GenerationOutcomeKind.RateLimited:
                RecordRateLimit(lease, retryAfter, request);
                break;

            case GenerationOutcomeKind.KeyRejected when key.Value is not null:
                Quarantine(key, statusCode, request);
                break;
        }
    }

    private void RecordRateLimit(ApiKeyLease lease, TimeSpan? retryAfter, RequestState request)
    {
        GenerationResilienceOptions options = _client.Options;
        DateTimeOffset now = _client.TimeProvider.GetUtcNow();
        TimeSpan Cooldown(int count)
        {
            TimeSpan wait = retryAfter ?? options.RateLimitDelay * count;
            return wait > options.MaxRetryAfter ? options.MaxRetryAfter : wait;
        }

        ApiKeyState state = _store.RecordRateLimit(lease.Key.Id, lease.AcquiredAt, now, Cooldown);
        string source = retryAfter is null
            ? $"no Retry-After, {state.ConsecutiveRateLimits} in a row"
            : "Retry-After " + Durations.Format(retryAfter.Value);
        Log.KeyRateLimited(_client.Logger, request.Target, lease.Key.Fingerprint, new LogDuration(state.CoolingUntil - now), source);
        _client.Metrics.KeyRotation(_client.Provider, "rate_limited");
    }

    private void Quarantine(ApiKey key, int statusCode, RequestState request)
    {
        GenerationResilienceOptions options = _client.Options;
        DateTimeOffset now = _client.TimeProvider.GetUtcNow();
        _store.Quarantine(key.Id, now + options.RejectedKeyCooldown);

        ApiKey[] keys = CurrentKeys(options);
        int usable = keys.Count(k => _store.Get(k.Id).QuarantinedUntil <= now);
        Log.KeyRejected(_client.Logger, request.Target, key.Fingerprint, statusCode, new LogDuration(options.RejectedKeyCooldown), usable, keys.Length);
        _client.Metrics.KeyRotation(_client.Provider, "rejected");
    }

    /// <summary>
    /// The keys of the options in force. New options (a reload) bring new keys and lift every quarantine:
    /// whoever changed them may have fixed the problem.
    /// </summary>
    private ApiKey[] CurrentKeys(GenerationResilienceOptions options)
    {
        if (ReferenceEquals(options, Volatile.Read(ref _optionsInUse)))
        {
            return _keys;
        }

        lock (_gate)
        {
            if (!ReferenceEquals(options, _optionsInUse))
            {
                bool reload = _optionsInUse is not null;
                ApiKey[] keys = options.ApiKeys.Count == 0
                    ? [ApiKey.Anonymous]
                    : options.ApiKeys.Select(ApiKey.Create).ToArray();
                _keys = keys;
                if (reload)
                {
                    _store.LiftQuarantines();
                    Log.KeysChanged(_client.Logger, _client.Provider, options.ApiKeys.Count);
                }

                Volatile.Write(ref _optionsInUse, options);
            }

            return _keys;
        }
    }
}
