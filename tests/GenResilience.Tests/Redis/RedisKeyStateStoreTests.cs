using GenResilience.Redis.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Tests.Redis;

/// <summary>The Lua scripts' rules, through two stores (two app instances) on one Redis.</summary>
public sealed class RedisKeyStateStoreTests
{
    private const string Provider = "Bytez";
    private const string KeyId = "0123456789ABCDEF01234567";
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [RedisFact]
    public async Task RecordRateLimit_LaterShorter429OnAnotherInstance_NeverShortensTheCooldown()
    {
        using var fleet = new StorePair();
        fleet.First.RecordRateLimit(Provider, KeyId, RateLimit(startedAt: Start, now: Start, retryAfter: TimeSpan.FromSeconds(30)));
        await fleet.IdleAsync();
        fleet.Second.RecordRateLimit(Provider, KeyId, RateLimit(startedAt: Start.AddSeconds(2), now: Start.AddSeconds(3), retryAfter: TimeSpan.FromSeconds(1)));
        await fleet.IdleAsync();

        GenerationKeyState state = await fleet.GetAsync(Start.AddSeconds(4));

        Assert.Equal(Start.AddSeconds(30), state.CoolingUntil);
        Assert.Equal(2, state.ConsecutiveRateLimits);
        Assert.Equal(Start.AddSeconds(3), state.LastRateLimitAt);
    }

    [RedisFact]
    public async Task RecordRateLimit_SameBurstOnTwoInstances_CountsOnce()
    {
        using var fleet = new StorePair();
        fleet.First.RecordRateLimit(Provider, KeyId, RateLimit(startedAt: Start, now: Start.AddSeconds(1), retryAfter: null));
        await fleet.IdleAsync();

        // Sent before the first 429 was recorded: the same burst, so the cooldown is 1 × RateLimitDelay, not 2 ×.
        fleet.Second.RecordRateLimit(Provider, KeyId, RateLimit(startedAt: Start.AddMilliseconds(500), now: Start.AddSeconds(1.5), retryAfter: null));
        await fleet.IdleAsync();

        GenerationKeyState state = await fleet.GetAsync(Start.AddSeconds(2));

        Assert.Equal(1, state.ConsecutiveRateLimits);
        Assert.Equal(Start.AddSeconds(3.5), state.CoolingUntil);
    }

    [RedisFact]
    public async Task GetAsync_KnownRate_ReservesEvenlySpacedPlacesAcrossInstances()
    {
        using var fleet = new StorePair();

        TimeSpan?[] waits =
        [
            (await fleet.First.GetAsync(Budget(), CancellationToken.None))?.BudgetWait,
            (await fleet.Second.GetAsync(Budget(), CancellationToken.None))?.BudgetWait,
            (await fleet.First.GetAsync(Budget(), CancellationToken.None))?.BudgetWait,
            (await fleet.Second.GetAsync(Budget(maxWait: TimeSpan.FromMilliseconds(100)), CancellationToken.None))?.BudgetWait,
            (await fleet.First.GetAsync(Budget(), CancellationToken.None))?.BudgetWait,
        ];

        // 10 per second: places at 0, 100 and 200 ms; a request that cannot wait 300 ms takes none, so the next gets 300 ms.
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(300)], waits);
    }

    [RedisFact]
    public async Task Quarantine_ThenLift_IsSeenByTheOtherInstanceAndClearsTheKeyCheck()
    {
        using var fleet = new StorePair();
        fleet.First.RecordKeyChecked(Provider, KeyId);
        await fleet.IdleAsync();
        Assert.True((await fleet.GetAsync(Start)).KeyChecked);

        fleet.First.Quarantine(Provider, KeyId, Start.AddHours(1));
        await fleet.IdleAsync();
        GenerationKeyState quarantined = await fleet.GetAsync(Start);
        fleet.Second.LiftQuarantines(Provider, [KeyId]);
        await fleet.IdleAsync();
        GenerationKeyState lifted = await fleet.GetAsync(Start);

        Assert.Equal(Start.AddHours(1), quarantined.QuarantinedUntil);
        Assert.False(quarantined.KeyChecked);
        Assert.Equal(default, lifted.QuarantinedUntil);
    }

    private static GenerationKeyStateQuery Budget(TimeSpan? maxWait = null)
        => new() { Provider = Provider, KeyId = KeyId, Now = Start, RequestsPerSecond = 10, Burst = 1, MaxWait = maxWait };

    private static GenerationRateLimitRecord RateLimit(DateTimeOffset startedAt, DateTimeOffset now, TimeSpan? retryAfter)
        => new()
        {
            AttemptStartedAt = startedAt,
            Now = now,
            RetryAfter = retryAfter,
            DelayPerRateLimit = TimeSpan.FromSeconds(2),
            MaxCooldown = TimeSpan.FromMinutes(5),
        };

    /// <summary>Two stores with one prefix of their own, as two app instances.</summary>
    private sealed class StorePair : IDisposable
    {
        private readonly ServiceProvider _first;
        private readonly ServiceProvider _second;

        public StorePair()
        {
            string prefix = "test-" + Guid.NewGuid().ToString("N")[..12];
            _first = Build(prefix);
            _second = Build(prefix);
            First = (RedisKeyStateStore)_first.GetRequiredService<IGenerationKeyStateStore>();
            Second = (RedisKeyStateStore)_second.GetRequiredService<IGenerationKeyStateStore>();
        }

        public RedisKeyStateStore First { get; }

        public RedisKeyStateStore Second { get; }

        public async Task<GenerationKeyState> GetAsync(DateTimeOffset now)
            => await Second.GetAsync(new GenerationKeyStateQuery { Provider = Provider, KeyId = KeyId, Now = now, Burst = 1 }, CancellationToken.None)
                ?? throw new InvalidOperationException("Redis did not answer.");

        public Task IdleAsync() => Fleet.WaitUntilAsync(() => First.PendingCalls == 0 && Second.PendingCalls == 0, "every write was answered");

        public void Dispose()
        {
            _first.Dispose();
            _second.Dispose();
        }

        private static ServiceProvider Build(string prefix)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.UseRedisKeyState(RedisServer.Shared, o =>
            {
                o.KeyPrefix = prefix;
                o.OperationTimeout = TimeSpan.FromSeconds(5);
            });
            ServiceProvider provider = services.BuildServiceProvider();

            // Connected before the first write, so no write is skipped while connecting.
            var store = (RedisKeyStateStore)provider.GetRequiredService<IGenerationKeyStateStore>();
            store.Connecting!.Wait(TimeSpan.FromSeconds(10));
            Fleet.WaitUntilAsync(() => store.IsAvailable, "connected").Wait();
            return provider;
        }
    }
}
