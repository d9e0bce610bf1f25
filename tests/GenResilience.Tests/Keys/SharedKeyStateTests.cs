using System.Net;
using GenResilience.Keys.Internal;
using GenResilience.Resilience.Internal;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using GenResilience.Tests.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Tests.Keys;

/// <summary>
/// Instances of an app that share key state through an <see cref="IGenerationKeyStateStore"/> of the user's own (here
/// <see cref="InMemoryKeyStateStore"/>, one object for the fleet): what one instance learns holds for the others, and
/// a store that cannot be reached leaves each instance on its own state. The same behaviour through Redis is in
/// <c>RedisKeyStateTests</c>, which need a redis-server; these run everywhere.
/// </summary>
public sealed class SharedKeyStateTests
{
    private const string KeyA = "test-key-1-revoked-aaaa";
    private const string KeyB = "test-key-2-healthy-bbbb";
    private static readonly string IdA = KeyFingerprint.IdFor(KeyA);
    private static readonly string IdB = KeyFingerprint.IdFor(KeyB);

    private static Fleet Create(int count, Action<GenerationResilienceOptions> configure, out InMemoryKeyStateStore store)
    {
        InMemoryKeyStateStore? created = null;
        Fleet fleet = Fleet.Create(count, redis: null, configure, store: time => created = new InMemoryKeyStateStore(time));
        store = created!;
        return fleet;
    }

    [Fact]
    public async Task SendAsync_KeyRevokedOnInstance1_IsNeverSentByInstance2AndTheStoreNeverSeesKeyText()
    {
        using Fleet fleet = Create(2, o => o.ApiKeys = [KeyA, KeyB], out InMemoryKeyStateStore store);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path, KeyA).Reply(SimulatedResponse.Unauthorized());
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());

        using (HttpResponseMessage first = await fleet[0].SendAsync().Bounded())
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => fleet[1].SendAsync())).Bounded();

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(fleet.Simulator.Requests, r => r.ApiKey == KeyA);
        Assert.Equal(11, fleet.Simulator.Requests.Count(r => r.ApiKey == KeyB));
        Assert.Contains($"Quarantine(Bytez, {IdA})", store.Calls);
        Assert.True(store.Peek(Fleet.ClientName, IdA).QuarantinedUntil > fleet.Time.GetUtcNow());

        // Requests that chose the key together all meet the news; it is told once.
        Assert.Single(fleet[1].Logged("SharedKeyQuarantined"));
        Assert.All(store.Queries, q =>
        {
            Assert.Equal(Fleet.ClientName, q.Provider);
            Assert.Contains(q.KeyId, new[] { IdA, IdB });
        });
        string everything = string.Join(" ", store.Calls.Concat(store.Queries.Select(q => q.ToString())));
        Assert.DoesNotContain("test-key", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("aaaa", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_KeyQuarantinedInTheStore_IsNotSentAndItsQuarantineLastsAsLongAsTheStoresSays()
    {
        using Fleet fleet = Create(1, o => o.ApiKeys = [KeyA, KeyB], out InMemoryKeyStateStore store);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());
        DateTimeOffset until = fleet.Time.GetUtcNow() + TimeSpan.FromMinutes(3);
        store.Set(Fleet.ClientName, IdA, quarantinedUntil: until);

        await SendOneByOneAsync(fleet[0], 4);

        Assert.All(fleet.Simulator.Requests, r => Assert.Equal(KeyB, r.ApiKey));
        Assert.Single(fleet[0].Logged("SharedKeyQuarantined"));

        // The instance does not write the fleet's quarantine back as one of its own.
        Assert.DoesNotContain(store.Calls, c => c.StartsWith("Quarantine", StringComparison.Ordinal));

        fleet.Time.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        await SendOneByOneAsync(fleet[0], 4);

        Assert.Contains(fleet.Simulator.Requests, r => r.ApiKey == KeyA);
    }

    [Fact]
    public async Task SendAsync_429OnInstance1_CoolsTheKeyDownOnInstance2()
    {
        using Fleet fleet = Create(2, o => o.ApiKeys = [KeyA], out InMemoryKeyStateStore store);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.RateLimited(TimeSpan.FromSeconds(30)), SimulatedResponse.Ok());
        DateTimeOffset start = fleet.Time.GetUtcNow();

        Task<HttpResponseMessage> limited = fleet[0].SendAsync();
        await fleet.Simulator.WaitForRequestsAsync(1);
        await fleet.Time.WaitForTimerAsync(TimeSpan.FromSeconds(30));
        Task<HttpResponseMessage> other = fleet[1].SendAsync();

        await fleet.RunUntilAsync(Task.WhenAll(limited, other));

        Assert.Equal(HttpStatusCode.OK, (await limited).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other).StatusCode);
        IReadOnlyList<SimulatedRequest> requests = fleet.Simulator.Requests;
        Assert.Equal(3, requests.Count);
        Assert.All(requests.Skip(1), r => Assert.True(r.ReceivedAt >= start + TimeSpan.FromSeconds(30), $"sent at +{(r.ReceivedAt - start).TotalSeconds}s, inside the 30 s cooldown"));
        Assert.Single(fleet[1].Logged("SharedKeyCooling"));
        Assert.Contains($"RecordRateLimit(Bytez, {IdA})", store.Calls);

        // Both successes started after the 429: the run of 429s is over for the fleet.
        Assert.Equal(0, store.Peek(Fleet.ClientName, IdA).ConsecutiveRateLimits);
        Assert.Equal(2, store.Calls.Count(c => c == $"RecordSuccess(Bytez, {IdA})"));
    }

    [Fact]
    public async Task SendAsync_KeyCoolingInTheStore_GoesOutWithTheOtherKeyAtOnce()
    {
        using Fleet fleet = Create(1, o => o.ApiKeys = [KeyA, KeyB], out InMemoryKeyStateStore store);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());
        DateTimeOffset start = fleet.Time.GetUtcNow();
        store.Set(Fleet.ClientName, IdA, coolingUntil: start + TimeSpan.FromSeconds(20));

        await SendOneByOneAsync(fleet[0], 4);

        Assert.All(fleet.Simulator.Requests, r => Assert.Equal(KeyB, r.ApiKey));
        Assert.Equal(start, fleet.Time.GetUtcNow());
        Assert.NotEmpty(fleet[0].Logged("SharedKeyCooling"));
    }

    [Fact]
    public async Task SendAsync_OnlyKeyCoolingInTheStore_WaitsForTheFleetsCooldown()
    {
        using Fleet fleet = Create(1, o => o.ApiKeys = [KeyA], out InMemoryKeyStateStore store);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());
        DateTimeOffset start = fleet.Time.GetUtcNow();
        store.Set(Fleet.ClientName, IdA, coolingUntil: start + TimeSpan.FromSeconds(20));

        Task<HttpResponseMessage> call = fleet[0].SendAsync();
        await fleet.RunUntilAsync(call);

        Assert.Equal(HttpStatusCode.OK, (await call).StatusCode);
        SimulatedRequest sent = Assert.Single(fleet.Simulator.Requests);
        Assert.True(sent.ReceivedAt >= start + TimeSpan.FromSeconds(20), $"sent at +{(sent.ReceivedAt - start).TotalSeconds}s, inside the fleet's 20 s cooldown");
        Assert.True(store.Queries.Count < 10, $"{store.Queries.Count} reads of the store for one request");
    }

    [Fact]
    public async Task SendAsync_AnotherInstances429SeenFirstByTheKeyCheck_WaitsForTheCooldownInsteadOfSpinning()
    {
        // Before the fix, the key check's read took the 429 in, the attempt's read then saw nothing new, and the key
        // stayed open here: the request went straight back to the store, thousands of times a second, until the
        // cooldown ended.
        using Fleet fleet = Create(1, o =>
        {
            o.ApiKeys = [KeyA];
            o.KeyCheck = () => new HttpRequestMessage(HttpMethod.Get, "/v1/account");
        }, out InMemoryKeyStateStore store);
        fleet.Simulator.On(HttpMethod.Get, "/v1/account").Reply(SimulatedResponse.Ok());
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());
        DateTimeOffset start = fleet.Time.GetUtcNow();
        store.RecordRateLimit(Fleet.ClientName, IdA, new GenerationRateLimitRecord
        {
            AttemptStartedAt = start,
            Now = start,
            RetryAfter = TimeSpan.FromSeconds(20),
            MaxCooldown = TimeSpan.FromMinutes(1),
        });

        Task<HttpResponseMessage> call = fleet[0].SendAsync();
        await fleet.RunUntilAsync(call);

        Assert.Equal(HttpStatusCode.OK, (await call).StatusCode);
        SimulatedRequest sent = Assert.Single(fleet.Simulator.Requests, r => r.Path == Fleet.Path);
        Assert.True(sent.ReceivedAt >= start + TimeSpan.FromSeconds(20), $"sent at +{(sent.ReceivedAt - start).TotalSeconds}s, inside the fleet's 20 s cooldown");
        Assert.True(store.Queries.Count < 10, $"{store.Queries.Count} reads of the store for one request");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendAsync_429sInARowOnTwoInstances_TheSecondCoolsTheKeyTwiceAsLong(bool storeUnreachableAfterTheFirstRead)
    {
        // No Retry-After: the cooldown is RateLimitDelay × the key's 429s in a row, counted for the fleet. Instance 2
        // keeps the fleet's count it read: its retry waits as long when the store stops answering right after.
        using Fleet fleet = Create(2, o =>
        {
            o.ApiKeys = [KeyA];
            o.RateLimitDelay = TimeSpan.FromSeconds(5);
        }, out InMemoryKeyStateStore store);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.RateLimited(), SimulatedResponse.RateLimited(), SimulatedResponse.Ok());
        DateTimeOffset start = fleet.Time.GetUtcNow();

        // Instance 1 meets the first 429 and gives up during its cooldown.
        using (var cancel = new CancellationTokenSource())
        {
            Task<HttpResponseMessage> first = fleet[0].Client.SendAsync(Fleet.Post(), cancel.Token);
            await fleet.Simulator.WaitForRequestsAsync(1);
            await fleet.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.Bounded());
        }

        fleet.Time.Advance(TimeSpan.FromSeconds(5));
        if (storeUnreachableAfterTheFirstRead)
        {
            int reads = 0;
            store.BeforeGet = () => store.Unreachable = ++reads > 1;
        }

        Task<HttpResponseMessage> second = fleet[1].SendAsync();
        await fleet.RunUntilAsync(second);

        Assert.Equal(HttpStatusCode.OK, (await second).StatusCode);
        IReadOnlyList<SimulatedRequest> requests = fleet.Simulator.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Equal(start + TimeSpan.FromSeconds(5), requests[1].ReceivedAt);
        TimeSpan cooled = requests[2].ReceivedAt - requests[1].ReceivedAt;
        Assert.True(cooled >= TimeSpan.FromSeconds(10), $"sent {cooled.TotalSeconds}s after the fleet's second 429 in a row, inside its 10 s cooldown");
        Assert.Equal(0, store.Peek(Fleet.ClientName, IdA).ConsecutiveRateLimits);
    }

    [Fact]
    public async Task SendAsync_KnownRateOnFourInstances_StayUnderTheProvidersLimitTogether()
    {
        using Fleet fleet = Create(4, o =>
        {
            o.ApiKeys = [KeyA];
            o.RequestsPerSecondPerKey = 10;
        }, out InMemoryKeyStateStore store);
        fleet.Simulator.LimitRatePerKey(requestsPerSecond: 10, burst: 1);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());
        DateTimeOffset start = fleet.Time.GetUtcNow();

        Task<HttpResponseMessage>[] calls = [.. fleet.Instances.SelectMany(i => Enumerable.Range(0, 10).Select(_ => i.SendAsync()))];
        await fleet.RunUntilAsync(Task.WhenAll(calls));

        Assert.All(calls, c => Assert.Equal(HttpStatusCode.OK, c.Result.StatusCode));
        Assert.Equal(0, fleet.Simulator.RateLimitedCount);
        Assert.Equal(40, fleet.Simulator.Requests.Count);
        Assert.True(fleet.Time.GetUtcNow() - start >= TimeSpan.FromSeconds(3.8), $"40 requests at 10/s took {(fleet.Time.GetUtcNow() - start).TotalSeconds}s");
        Assert.All(store.Queries.Where(q => q.KeyCheckFor is null), q =>
        {
            Assert.Equal(10, q.RequestsPerSecond);
            Assert.Equal(1, q.Burst);
        });
    }

    [Fact]
    public async Task SendAsync_SharedBudgetWaitLongerThanTheTotalTimeout_FailsAtOnceAndReservesNothing()
    {
        using Fleet fleet = Create(2, o =>
        {
            o.ApiKeys = [KeyA];
            o.RequestsPerSecondPerKey = 0.01; // one request per 100 s for the fleet
            o.AttemptTimeout = TimeSpan.FromSeconds(20);
            o.TotalTimeout = TimeSpan.FromSeconds(30);
        }, out InMemoryKeyStateStore store);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());
        DateTimeOffset start = fleet.Time.GetUtcNow();

        using (HttpResponseMessage first = await fleet[0].SendAsync().Bounded())
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => fleet[1].SendAsync().Bounded());

        Assert.Equal(GenerationErrorKind.RateLimited, error.Kind);
        Assert.Single(fleet.Simulator.Requests);
        Assert.Equal(start, fleet.Time.GetUtcNow());
        GenerationKeyStateQuery asked = store.Queries[^1];
        Assert.Equal(TimeSpan.FromSeconds(30), asked.MaxWait);
        Assert.Equal(0, Pool(fleet[1]).Slots.Sum(s => s.Admission.InFlight));

        // Nothing was reserved for the failed request: 100 s on, the next place is free again.
        fleet.Time.Advance(TimeSpan.FromSeconds(100));
        using HttpResponseMessage later = await fleet[1].SendAsync().Bounded();
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal(start + TimeSpan.FromSeconds(100), fleet.Simulator.Requests[^1].ReceivedAt);
    }

    [Fact]
    public async Task SendAsync_CanceledWhileWaitingForItsPlaceInTheSharedBudget_EndsPromptlyAndFreesTheKey()
    {
        using Fleet fleet = Create(2, o =>
        {
            o.ApiKeys = [KeyA];
            o.RequestsPerSecondPerKey = 1;
        }, out InMemoryKeyStateStore _);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());

        using (HttpResponseMessage first = await fleet[0].SendAsync().Bounded())
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var cancel = new CancellationTokenSource();
        Task<HttpResponseMessage> waiting = fleet[1].Client.SendAsync(Fleet.Post(), cancel.Token);
        await Fleet.WaitUntilAsync(() => Pool(fleet[1]).SharedBudgetWaits == 1, "the request waits for its place in the shared budget");
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.Bounded());
        Assert.Single(fleet.Simulator.Requests);
        Assert.Equal(0, Pool(fleet[1]).SharedBudgetWaits);
        Assert.Equal(0, Pool(fleet[1]).Slots.Sum(s => s.Admission.InFlight));

        Task<HttpResponseMessage> next = fleet[1].SendAsync();
        await fleet.RunUntilAsync(next);
        Assert.Equal(HttpStatusCode.OK, (await next).StatusCode);
    }

    [Fact]
    public async Task SendAsync_KeyCheckOnFourInstances_RevokedKeyCostsOneCheckForTheFleet()
    {
        using Fleet fleet = Create(4, o =>
        {
            o.ApiKeys = [KeyA, KeyB];
            o.KeyCheck = () => new HttpRequestMessage(HttpMethod.Get, "/v1/account");
        }, out InMemoryKeyStateStore store);
        fleet.Simulator.On(HttpMethod.Get, "/v1/account", KeyA).Reply(SimulatedResponse.Unauthorized());
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path, KeyA).Reply(SimulatedResponse.Unauthorized());
        fleet.Simulator.On(HttpMethod.Get, "/v1/account").Reply(SimulatedResponse.Ok());
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());

        Task<HttpResponseMessage>[] calls = [.. fleet.Instances.SelectMany(i => Enumerable.Range(0, 4).Select(_ => i.SendAsync()))];
        await fleet.RunUntilAsync(Task.WhenAll(calls));

        Assert.All(calls, c => Assert.Equal(HttpStatusCode.OK, c.Result.StatusCode));
        Assert.Single(fleet.Simulator.Requests, r => r.ApiKey == KeyA);
        Assert.Single(fleet.Simulator.Requests, r => r.ApiKey == KeyB && r.Path == "/v1/account");
        Assert.Equal(16, fleet.Simulator.Requests.Count(r => r.ApiKey == KeyB && r.Path == Fleet.Path));
        Assert.Single(store.Calls, c => c == $"RecordKeyChecked(Bytez, {IdB})");
        Assert.DoesNotContain($"RecordKeyChecked(Bytez, {IdA})", store.Calls);
        Assert.True(store.Peek(Fleet.ClientName, IdB).KeyChecked);
        Assert.False(store.Peek(Fleet.ClientName, IdA).KeyChecked);

        // A claim on a check runs out after 10 s at most (less with a shorter AttemptTimeout), so a dead instance
        // cannot hold the fleet's check for long.
        Assert.All(store.Queries.Where(q => q.KeyCheckFor is not null), q => Assert.Equal(ApiKeyPool.SharedKeyCheckClaim, q.KeyCheckFor));
    }

    [Fact]
    public async Task SendAsync_KeyCheckedByAnotherInstance_IsNotCheckedAgain()
    {
        using Fleet fleet = Create(1, o =>
        {
            o.ApiKeys = [KeyB];
            o.KeyCheck = () => new HttpRequestMessage(HttpMethod.Get, "/v1/account");
            o.AttemptTimeout = TimeSpan.FromSeconds(4);
        }, out InMemoryKeyStateStore store);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());
        store.Set(Fleet.ClientName, IdB, keyChecked: true);

        using HttpResponseMessage response = await fleet[0].SendAsync().Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        SimulatedRequest sent = Assert.Single(fleet.Simulator.Requests);
        Assert.Equal(Fleet.Path, sent.Path);
        Assert.DoesNotContain(store.Calls, c => c.StartsWith("RecordKeyChecked", StringComparison.Ordinal));
        Assert.Equal(TimeSpan.FromSeconds(4), Assert.Single(store.Queries, q => q.KeyCheckFor is not null).KeyCheckFor);
    }

    [Fact]
    public async Task SendAsync_KeyCheckClaimedByAnotherInstance_WaitsForItsResultInsteadOfCheckingToo()
    {
        using Fleet fleet = Create(1, o =>
        {
            o.ApiKeys = [KeyB];
            o.KeyCheck = () => new HttpRequestMessage(HttpMethod.Get, "/v1/account");
        }, out InMemoryKeyStateStore store);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());

        // Another instance claimed the check a moment ago and runs it now.
        GenerationKeyState claimed = (await store.GetAsync(
            new GenerationKeyStateQuery { Provider = Fleet.ClientName, KeyId = IdB, Now = fleet.Time.GetUtcNow(), Burst = 1, KeyCheckFor = TimeSpan.FromSeconds(10) },
            CancellationToken.None)).GetValueOrDefault();
        Assert.True(claimed.KeyCheckClaimed);

        Task<HttpResponseMessage> call = fleet[0].SendAsync();
        await fleet.Time.WaitForTimerAsync(ApiKeyPool.SharedKeyCheckPoll);
        Assert.Empty(fleet.Simulator.Requests);

        // Still running 50 ms later: the next look comes twice as late.
        fleet.Time.Advance(ApiKeyPool.SharedKeyCheckPoll);
        await fleet.Time.WaitForTimerAsync(ApiKeyPool.SharedKeyCheckPoll * 2);
        Assert.Empty(fleet.Simulator.Requests);

        // Its check passes: this instance sends without a check of its own.
        store.RecordKeyChecked(Fleet.ClientName, IdB);
        fleet.Time.Advance(ApiKeyPool.SharedKeyCheckPoll * 2);
        using HttpResponseMessage response = await call.Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        SimulatedRequest sent = Assert.Single(fleet.Simulator.Requests);
        Assert.Equal(Fleet.Path, sent.Path);
    }

    [Fact]
    public async Task SendAsync_StoreUnreachable_RequestsGoOnWithTheInstancesOwnStateAndStillReportIt()
    {
        using Fleet fleet = Create(1, o => o.ApiKeys = [KeyA, KeyB], out InMemoryKeyStateStore store);
        store.Unreachable = true;
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path, KeyA).Reply(SimulatedResponse.Unauthorized());
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());

        await SendOneByOneAsync(fleet[0], 4);

        Assert.Single(fleet.Simulator.Requests, r => r.ApiKey == KeyA);
        Assert.NotEmpty(store.Queries);
        Assert.Contains($"Quarantine(Bytez, {IdA})", store.Calls);
    }

    [Fact]
    public async Task SendAsync_StoreReadsThrow_RequestsGoOnWithTheInstancesOwnStateAndOneWarningIsLogged()
    {
        // The contract says a store returns null when it cannot answer and never throws; one that throws anyway must not
        // fail requests (the store is an optimisation) nor leave a key busy, and its failure must be visible, once:
        // here its writes work (queued in the background, as the contract asks), which must not re-arm the warning.
        using Fleet fleet = Create(1, o => o.ApiKeys = [KeyA, KeyB], out InMemoryKeyStateStore store);
        store.GetFails = new InvalidOperationException("the store's database is down");
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path, KeyA).Reply(SimulatedResponse.Unauthorized());
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());

        await SendOneByOneAsync(fleet[0], 6);

        Assert.Single(fleet.Simulator.Requests, r => r.ApiKey == KeyA);
        Assert.Contains($"Quarantine(Bytez, {IdA})", store.Calls);
        Assert.Equal(0, Pool(fleet[0]).Slots.Sum(s => s.Admission.InFlight));
        var warning = Assert.Single(fleet[0].Logs.GetSnapshot(), r => r.Id.Name == "SharedKeyStateFailed");
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains(nameof(InMemoryKeyStateStore), warning.Message, StringComparison.Ordinal);
        Assert.Contains("GetAsync", warning.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(warning.Exception);

        // It works again, then fails again: a new warning for the new failure.
        store.GetFails = null;
        await SendOneByOneAsync(fleet[0], 1);

        Assert.Single(fleet[0].Logged("SharedKeyStateFailed"));
        store.GetFails = new InvalidOperationException("down again");
        await SendOneByOneAsync(fleet[0], 1);

        Assert.Equal(2, fleet[0].Logged("SharedKeyStateFailed").Count);
    }

    [Fact]
    public async Task SendAsync_StoreWritesThrow_TheInstanceStillQuarantinesTheKeyAndTheRequestSucceeds()
    {
        using Fleet fleet = Create(1, o => o.ApiKeys = [KeyA, KeyB], out InMemoryKeyStateStore store);
        store.RecordsFail = new InvalidOperationException("the store's queue is full");
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path, KeyA).Reply(SimulatedResponse.Unauthorized());
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());

        await SendOneByOneAsync(fleet[0], 4);

        Assert.Single(fleet.Simulator.Requests, r => r.ApiKey == KeyA);
        Assert.Contains($"Quarantine(Bytez, {IdA})", store.Calls);
        Assert.Equal(0, Pool(fleet[0]).Slots.Sum(s => s.Admission.InFlight));
        string warning = Assert.Single(fleet[0].Logged("SharedKeyStateFailed"));
        Assert.Contains("Quarantine", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_CanceledByTheCallerWhileTheStoreFails_EndsWithOperationCanceled()
    {
        using Fleet fleet = Create(1, o => o.ApiKeys = [KeyA], out InMemoryKeyStateStore store);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());
        using var cancel = new CancellationTokenSource();

        // The caller gives up during the read, and the store, failing anyway, throws its own exception.
        store.BeforeGet = cancel.Cancel;
        store.GetFails = new InvalidOperationException("the store's database is down");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fleet[0].Client.SendAsync(Fleet.Post(), cancel.Token).Bounded());

        Assert.Single(store.Queries);
        Assert.Empty(fleet.Simulator.Requests);
        Assert.Empty(fleet[0].Logged("SharedKeyStateFailed"));
        Assert.Equal(0, Pool(fleet[0]).Slots.Sum(s => s.Admission.InFlight));
    }

    [Fact]
    public async Task SendAsync_RateLearnedFrom429s_IsRecordedForTheOperatorButAConfiguredRateIsNot()
    {
        using Fleet learning = Create(1, o => o.ApiKeys = [KeyA], out InMemoryKeyStateStore learned);
        learning.Simulator.LimitRatePerKey(requestsPerSecond: 2, burst: 1, retryAfter: TimeSpan.FromSeconds(1));
        learning.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());
        Task<HttpResponseMessage>[] calls = [.. Enumerable.Range(0, 8).Select(_ => learning[0].SendAsync())];
        await learning.RunUntilAsync(Task.WhenAll(calls));

        Assert.All(calls, c => Assert.Equal(HttpStatusCode.OK, c.Result.StatusCode));
        Assert.True(learning.Simulator.RateLimitedCount > 0);
        Assert.True(learned.LearnedRates.TryGetValue(IdA, out double rate) && rate > 0, "no learned rate recorded");

        using Fleet configured = Create(1, o =>
        {
            o.ApiKeys = [KeyA];
            o.RequestsPerSecondPerKey = 2;
        }, out InMemoryKeyStateStore notLearned);
        configured.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.RateLimited(TimeSpan.FromSeconds(1)), SimulatedResponse.Ok());
        Task<HttpResponseMessage> call = configured[0].SendAsync();
        await configured.RunUntilAsync(call);

        Assert.Equal(HttpStatusCode.OK, (await call).StatusCode);
        Assert.Empty(notLearned.LearnedRates);
    }

    [Fact]
    public async Task OptionsReload_LiftsTheQuarantinesOfTheFleetToo()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["R:ApiKeys:0"] = KeyA })
            .Build();
        using var simulator = ProviderSimulator.Start();
        simulator.On(HttpMethod.Get, "/m").Reply(SimulatedResponse.Unauthorized(), SimulatedResponse.Ok());
        var time = new TrackingTimeProvider();
        var store = new InMemoryKeyStateStore(time);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddKeyedSingleton<IGenerationKeyStateStore>("R", store);
        services.AddHttpClient("R", c => c.BaseAddress = simulator.BaseAddress).AddGenerationResilience(configuration.GetSection("R"));
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("R");

        await Assert.ThrowsAsync<GenerationException>(() => client.GetAsync("/m").Bounded());
        Assert.True(store.Peek("R", IdA).QuarantinedUntil > time.GetUtcNow());

        configuration["R:RejectedKeyCooldown"] = "00:20:00";
        configuration.Reload();
        using HttpResponseMessage response = await client.GetAsync("/m").Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"LiftQuarantines(R, {IdA})", store.Calls);
        Assert.True(store.Peek("R", IdA).QuarantinedUntil <= time.GetUtcNow());
    }

    /// <summary>Sends <paramref name="count"/> requests one after the other; each must succeed.</summary>
    private static async Task SendOneByOneAsync(Fleet.Instance instance, int count)
    {
        for (int i = 0; i < count; i++)
        {
            using HttpResponseMessage response = await instance.SendAsync().Bounded();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static ApiKeyPool Pool(Fleet.Instance instance)
        => instance.Services.GetRequiredService<GenerationClientRegistry>().Find(Fleet.ClientName)!.Pool;
}
