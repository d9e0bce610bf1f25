using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace GenResilience.Redis.Internal;

/// <summary>
/// The key state of a fleet of app instances, in Redis: one hash per key at <c>{prefix}:{provider}:{key id}</c>, read
/// and changed by the Lua scripts of <see cref="RedisKeyStateScripts"/>. Redis is an optimisation, never a single point
/// of failure: every call is bounded by <see cref="RedisKeyStateOptions.OperationTimeout"/>; while Redis cannot be
/// reached, reads return <see langword="null"/> and writes are skipped (the pool goes on with its own state), one
/// warning is logged per outage, and when Redis is back the quarantines and cooldowns recorded meanwhile are written back.
/// </summary>
internal sealed class RedisKeyStateStore : IGenerationKeyStateStore, IAsyncDisposable, IDisposable
{
    private const string LoggerCategory = "GenResilience.Redis";

    private readonly RedisKeyStateOptions _options;
    private readonly RedisConnectionSource _source;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _connectGate = new();
    private readonly ConcurrentDictionary<(string Provider, string KeyId), WrittenState> _written = new();
    private readonly long _idleMilliseconds;
    private readonly TimeSpan _retryInterval;
    private Task<IConnectionMultiplexer>? _connecting;
    private IConnectionMultiplexer? _connection;
    private long _retryAt;
    private int _unavailable;
    private int _pendingCalls;
    private bool _disposed;

    public RedisKeyStateStore(RedisKeyStateOptions options, RedisConnectionSource source, IServiceProvider services)
    {
        _options = options;
        _source = source;
        _services = services;
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _logger = services.GetService<ILoggerFactory>()?.CreateLogger(LoggerCategory) ?? NullLogger.Instance;
        _idleMilliseconds = (long)options.IdleExpiry.TotalMilliseconds;
        _retryInterval = options.RetryInterval;
        StartConnecting();
    }

    /// <summary>Gets a value indicating whether Redis is in use now (for tests and diagnostics).</summary>
    internal bool IsAvailable => Volatile.Read(ref _unavailable) == 0 && Volatile.Read(ref _connection)?.IsConnected == true;

    /// <summary>Gets how many calls have been sent and not yet answered (for tests that step a fake clock).</summary>
    internal int PendingCalls => Volatile.Read(ref _pendingCalls);

    /// <summary>Gets the connection once it is made (for tests).</summary>
    internal Task<IConnectionMultiplexer>? Connecting => Volatile.Read(ref _connecting);

    internal string RedisKey(string provider, string keyId) => $"{_options.KeyPrefix}:{provider}:{keyId}";

    public async ValueTask<GenerationKeyState?> GetAsync(GenerationKeyStateQuery query, CancellationToken cancellationToken)
    {
        // The app's first requests wait for the first connection, within the bound of any call, rather than start alone.
        if (Volatile.Read(ref _connection) is null && Volatile.Read(ref _connecting) is { IsCompleted: false } connecting)
        {
            try
            {
                OnConnected(await connecting.WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Not connected in time, or not at all: this request goes on with local state.
            }
        }

        if (!TryGetDatabase(out IDatabase? database))
        {
            return null;
        }

        RedisValue[] args =
        [
            query.Now.ToUnixTimeMilliseconds(),
            query.RequestsPerSecond is { } rate && rate > 0 ? rate : 0,
            Math.Max(1, query.Burst),
            query.MaxWait is { } most ? Math.Max(0, most.TotalMilliseconds) : -1,
            query.KeyCheckFor is { } claim ? (long)claim.TotalMilliseconds : -1,
            _idleMilliseconds,
        ];
        Interlocked.Increment(ref _pendingCalls);
        try
        {
            RedisResult result = await database.ScriptEvaluateAsync(RedisKeyStateScripts.Get, [RedisKey(query.Provider, query.KeyId)], args)
                .WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
            MarkAvailable();
            return Parse((RedisResult[])result!);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            MarkUnavailable(Reason(e), backOff: true);
            return null;
        }
        finally
        {
            Interlocked.Decrement(ref _pendingCalls);
        }
    }

    public void Quarantine(string provider, string keyId, DateTimeOffset until)
    {
        _written.AddOrUpdate(
            (provider, keyId),
            static (_, until) => new WrittenState { QuarantinedUntil = until },
            static (_, state, until) => state with { QuarantinedUntil = until > state.QuarantinedUntil ? until : state.QuarantinedUntil },
            until);
        Write(provider, keyId, RedisKeyStateScripts.Quarantine, [Now(), until.ToUnixTimeMilliseconds(), _idleMilliseconds]);
    }

    public void RecordRateLimit(string provider, string keyId, GenerationRateLimitRecord rateLimit)
    {
        _written.AddOrUpdate(
            (provider, keyId),
            static (_, record) => WrittenState.Empty.WithRateLimit(record),
            static (_, state, record) => state.WithRateLimit(record),
            rateLimit);
        Write(provider, keyId, RedisKeyStateScripts.RateLimit,
        [
            rateLimit.Now.ToUnixTimeMilliseconds(),
            rateLimit.AttemptStartedAt.ToUnixTimeMilliseconds(),
            rateLimit.RetryAfter is { } retryAfter ? (long)retryAfter.TotalMilliseconds : -1,
            (long)rateLimit.DelayPerRateLimit.TotalMilliseconds,
            (long)rateLimit.MaxCooldown.TotalMilliseconds,
            _idleMilliseconds,
        ]);
    }

    public void RecordSuccess(string provider, string keyId, DateTimeOffset attemptStartedAt)
    {
        if (_written.TryGetValue((provider, keyId), out WrittenState? state) && state.RateLimitsInARow != 0 && attemptStartedAt >= state.LastRateLimitAt)
        {
            _written[(provider, keyId)] = state with { RateLimitsInARow = 0 };
        }

        Write(provider, keyId, RedisKeyStateScripts.Success, [attemptStartedAt.ToUnixTimeMilliseconds()]);
    }

    public void RecordKeyChecked(string provider, string keyId)
        => Write(provider, keyId, RedisKeyStateScripts.Checked, [Now(), _idleMilliseconds]);

    public void RecordLearnedRate(string provider, string keyId, double requestsPerSecond)
        => Write(provider, keyId, RedisKeyStateScripts.LearnedRate, [Now(), requestsPerSecond.ToString("R", CultureInfo.InvariantCulture), _idleMilliseconds]);

    public void LiftQuarantines(string provider, IReadOnlyCollection<string> keyIds)
    {
        ArgumentNullException.ThrowIfNull(keyIds);
        foreach (string keyId in keyIds)
        {
            if (_written.TryGetValue((provider, keyId), out WrittenState? state))
            {
                _written[(provider, keyId)] = state with { QuarantinedUntil = default };
            }

            Write(provider, keyId, RedisKeyStateScripts.Lift, []);
        }
    }

    public void Dispose()
    {
        if (Dispose(out IConnectionMultiplexer? owned))
        {
            owned?.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Dispose(out IConnectionMultiplexer? owned) && owned is not null)
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static GenerationKeyState Parse(RedisResult[] fields)
    {
        double Number(int i) => double.Parse((string)fields[i]!, NumberStyles.Float, CultureInfo.InvariantCulture);
        DateTimeOffset Time(int i) => Number(i) is var ms && ms > 0 ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : default;

        double wait = Number(6);
        return new GenerationKeyState
        {
            QuarantinedUntil = Time(0),
            CoolingUntil = Time(1),
            ConsecutiveRateLimits = (int)Number(2),
            LastRateLimitAt = Time(3),
            KeyChecked = (string)fields[4]! == "1",
            KeyCheckClaimed = (string)fields[5]! == "1",
            BudgetWait = wait < 0 ? null : TimeSpan.FromMilliseconds(wait),
        };
    }

    private static string Reason(Exception e) => e switch
    {
        RedisTimeoutException => "a call timed out",
        TimeoutException => "a call took longer than RedisKeyStateOptions.OperationTimeout",
        RedisConnectionException connection => "connection: " + connection.FailureType,
        _ => e.GetType().Name + ": " + e.Message,
    };

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void Write(string provider, string keyId, string script, RedisValue[] args)
    {
        if (!TryGetDatabase(out IDatabase? database))
        {
            return;
        }

        Task<RedisResult> call;
        try
        {
            call = database.ScriptEvaluateAsync(script, [RedisKey(provider, keyId)], args);
        }
        catch (Exception e)
        {
            MarkUnavailable(Reason(e), backOff: true);
            return;
        }

        Interlocked.Increment(ref _pendingCalls);
        _ = ObserveAsync(call);
    }

    private async Task ObserveAsync(Task<RedisResult> call)
    {
        try
        {
            await call.WaitAsync(_options.OperationTimeout).ConfigureAwait(false);
            MarkAvailable();
        }
        catch (Exception e)
        {
            MarkUnavailable(Reason(e), backOff: true);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingCalls);
        }
    }

    private bool TryGetDatabase([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IDatabase? database)
    {
        database = null;
        IConnectionMultiplexer? connection = Volatile.Read(ref _connection);
        if (connection is null)
        {
            // Still connecting (the first requests of an app go on with local state), or the app's factory failed.
            if (Volatile.Read(ref _connecting) is { IsFaulted: true } failed && TimeProvider.System.GetTimestamp() >= Volatile.Read(ref _retryAt))
            {
                MarkUnavailable(Reason(failed.Exception!.GetBaseException()), backOff: true);
                StartConnecting();
            }

            return false;
        }

        if (!connection.IsConnected)
        {
            MarkUnavailable("not connected", backOff: false);
            return false;
        }

        if (Volatile.Read(ref _unavailable) == 1 && TimeProvider.System.GetTimestamp() < Volatile.Read(ref _retryAt))
        {
            return false;
        }

        database = connection.GetDatabase();
        return true;
    }

    private void MarkUnavailable(string reason, bool backOff)
    {
        if (backOff)
        {
            Volatile.Write(ref _retryAt, TimeProvider.System.GetTimestamp() + (long)(_retryInterval.TotalSeconds * TimeProvider.System.TimestampFrequency));
        }

        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            Log.Unavailable(_logger, reason);
        }
    }

    private void MarkAvailable()
    {
        if (Volatile.Read(ref _unavailable) == 1 && Interlocked.Exchange(ref _unavailable, 0) == 1)
        {
            int republished = Republish();
            Log.Restored(_logger, republished);
        }
    }

    /// <summary>Writes back the quarantines and cooldowns in force that this instance recorded, for a Redis that lost them or never saw them.</summary>
    private int Republish()
    {
        DateTimeOffset now = _time.GetUtcNow();
        int count = 0;
        foreach (KeyValuePair<(string Provider, string KeyId), WrittenState> entry in _written)
        {
            WrittenState state = entry.Value;
            if (state.QuarantinedUntil <= now && state.CoolingUntil <= now)
            {
                continue;
            }

            count++;
            Write(entry.Key.Provider, entry.Key.KeyId, RedisKeyStateScripts.Merge,
            [
                now.ToUnixTimeMilliseconds(),
                state.QuarantinedUntil.ToUnixTimeMilliseconds(),
                state.CoolingUntil.ToUnixTimeMilliseconds(),
                state.RateLimitsInARow,
                state.LastRateLimitAt.ToUnixTimeMilliseconds(),
                _idleMilliseconds,
            ]);
        }

        return count;
    }

    private void StartConnecting()
    {
        lock (_connectGate)
        {
            if (_disposed || _connecting is { IsFaulted: false })
            {
                return;
            }

            Task<IConnectionMultiplexer> connecting = _source.Configuration is { } configuration
                ? ConnectAsync(configuration)
                : Task.Run(() => _source.Factory!(_services));
            Volatile.Write(ref _connecting, connecting);
            _ = connecting.ContinueWith(
                static (task, state) => ((RedisKeyStateStore)state!).OnConnectCompleted(task),
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task<IConnectionMultiplexer> ConnectAsync(string configuration)
    {
        ConfigurationOptions config = ConfigurationOptions.Parse(configuration);

        // Never fail the app for Redis: connect in the background, keep reconnecting, fail calls at once while down.
        config.AbortOnConnectFail = false;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        int timeout = (int)Math.Ceiling(_options.OperationTimeout.TotalMilliseconds);
        config.AsyncTimeout = timeout;
        config.SyncTimeout = timeout;
        config.ReconnectRetryPolicy ??= new ExponentialRetry(250, 5_000);
        return await ConnectionMultiplexer.ConnectAsync(config).ConfigureAwait(false);
    }

    private void OnConnectCompleted(Task<IConnectionMultiplexer> task)
    {
        if (!task.IsCompletedSuccessfully)
        {
            MarkUnavailable(Reason(task.Exception!.GetBaseException()), backOff: true);
            return;
        }

        OnConnected(task.Result);
    }

    private void OnConnected(IConnectionMultiplexer connection)
    {
        lock (_connectGate)
        {
            if (ReferenceEquals(_connection, connection))
            {
                return;
            }

            if (_disposed)
            {
                if (_source.Configuration is not null)
                {
                    connection.Dispose();
                }

                return;
            }

            connection.ConnectionFailed += OnConnectionFailed;
            connection.ConnectionRestored += OnConnectionRestored;
            Volatile.Write(ref _connection, connection);
        }

        if (!connection.IsConnected)
        {
            MarkUnavailable("not connected", backOff: false);
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            MarkUnavailable("connection: " + e.FailureType, backOff: false);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            Volatile.Write(ref _retryAt, 0);
            MarkAvailable();
        }
    }

    private bool Dispose(out IConnectionMultiplexer? owned)
    {
        lock (_connectGate)
        {
            owned = null;
            if (_disposed)
            {
                return false;
            }

            _disposed = true;
            if (_connection is { } connection)
            {
                connection.ConnectionFailed -= OnConnectionFailed;
                connection.ConnectionRestored -= OnConnectionRestored;
                owned = _source.Configuration is not null ? connection : null;
            }

            return true;
        }
    }

    /// <summary>What this instance wrote for one key, to write back after an outage.</summary>
    private sealed record WrittenState
    {
        public static WrittenState Empty { get; } = new();

        public DateTimeOffset QuarantinedUntil { get; init; }

        public DateTimeOffset CoolingUntil { get; init; }

        public int RateLimitsInARow { get; init; }

        public DateTimeOffset LastRateLimitAt { get; init; }

        public WrittenState WithRateLimit(GenerationRateLimitRecord record)
        {
            int count = record.AttemptStartedAt < LastRateLimitAt ? Math.Max(1, RateLimitsInARow) : RateLimitsInARow + 1;
            DateTimeOffset until = record.Now + record.Cooldown(count);
            return this with
            {
                RateLimitsInARow = count,
                CoolingUntil = until > CoolingUntil ? until : CoolingUntil,
                LastRateLimitAt = record.Now > LastRateLimitAt ? record.Now : LastRateLimitAt,
            };
        }
    }
}
