using System.Net;
using GenResilience.Keys.Internal;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using StackExchange.Redis;

namespace GenResilience.Tests.Redis;

/// <summary>
/// Several app instances (separate service providers) sharing key state through a real Redis. Time is the shared fake
/// clock; Redis's own expiry runs on real time, and no test asserts on real time.
/// </summary>
public sealed class RedisKeyStateTests
{
    private const string KeyA = "test-key-1-revoked-aaaa";
    private const string KeyB = "test-key-2-healthy-bbbb";

    [RedisFact]
    public async Task SendAsync_KeyRevokedOnInstance1_IsNeverSentByInstance2()
    {
        using Fleet fleet = Fleet.Create(2, RedisServer.Shared, o => o.ApiKeys = [KeyA, KeyB]);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path, KeyA).Reply(SimulatedResponse.Unauthorized());
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());
        await fleet.ConnectedAsync();

        using (HttpResponseMessage first = await fleet[0].SendAsync().Bounded())
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await fleet.RedisIdleAsync();
        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => fleet[1].SendAsync())).Bounded();

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Empty(fleet.Instances.SelectMany(i => i.Logged("RedisKeyStateUnavailable")));
        Assert.Single(fleet.Simulator.Requests, r => r.ApiKey == KeyA);
        Assert.Equal(11, fleet.Simulator.Requests.Count(r => r.ApiKey == KeyB));
        Assert.NotEmpty(fleet[1].Logged("SharedKeyQuarantined"));
    }

    [RedisFact]
    public async Task SendAsync_429OnInstance1_CoolsTheKeyDownOnInstance2()
    {
        using Fleet fleet = Fleet.Create(2, RedisServer.Shared, o => o.ApiKeys = [KeyA]);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.RateLimited(TimeSpan.FromSeconds(30)), SimulatedResponse.Ok());
        await fleet.ConnectedAsync();
        DateTimeOffset start = fleet.Time.GetUtcNow();

        Task<HttpResponseMessage> limited = fleet[0].SendAsync();
        await fleet.Simulator.WaitForRequestsAsync(1);
        await fleet.Time.WaitForTimerAsync(TimeSpan.FromSeconds(30));
        await fleet.RedisIdleAsync();
        Task<HttpResponseMessage> other = fleet[1].SendAsync();

        await fleet.RunUntilAsync(Task.WhenAll(limited, other));

        Assert.Equal(HttpStatusCode.OK, (await limited).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other).StatusCode);
        IReadOnlyList<SimulatedRequest> requests = fleet.Simulator.Requests;
        Assert.Equal(3, requests.Count);
        Assert.All(requests.Skip(1), r => Assert.True(r.ReceivedAt >= start + TimeSpan.FromSeconds(30), $"sent at +{(r.ReceivedAt - start).TotalSeconds}s, inside the 30 s cooldown"));
        Assert.NotEmpty(fleet[1].Logged("SharedKeyCooling"));
    }

    [RedisFact]
    public async Task SendAsync_KnownRateOnFourInstances_StayUnderTheProvidersLimitTogether()
    {
        using Fleet fleet = Fleet.Create(4, RedisServer.Shared, o =>
        {
            o.ApiKeys = [KeyA];
            o.RequestsPerSecondPerKey = 10;
        });
        fleet.Simulator.LimitRatePerKey(requestsPerSecond: 10, burst: 1);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());
        await fleet.ConnectedAsync();

        Task<HttpResponseMessage>[] calls = [.. fleet.Instances.SelectMany(i => Enumerable.Range(0, 10).Select(_ => i.SendAsync()))];
        await fleet.RunUntilAsync(Task.WhenAll(calls));

        Assert.All(calls, c => Assert.Equal(HttpStatusCode.OK, c.Result.StatusCode));
        Assert.Equal(0, fleet.Simulator.RateLimitedCount);
        Assert.Equal(40, fleet.Simulator.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_KnownRateOnFourInstancesWithoutSharedState_OverrunTheProvidersLimit()
    {
        // What the shared budget prevents: each instance keeps to the rate, and together they send four times it.
        using Fleet fleet = Fleet.Create(4, redis: null, o =>
        {
            o.ApiKeys = [KeyA];
            o.RequestsPerSecondPerKey = 10;
        });
        fleet.Simulator.LimitRatePerKey(requestsPerSecond: 10, burst: 1);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());

        Task<HttpResponseMessage>[] calls = [.. fleet.Instances.SelectMany(i => Enumerable.Range(0, 10).Select(_ => i.SendAsync()))];
        await fleet.RunUntilAsync(Task.WhenAll(calls));

        Assert.True(fleet.Simulator.RateLimitedCount >= 3, $"{fleet.Simulator.RateLimitedCount} 429s");
    }

    [RedisFact]
    public async Task SendAsync_KeyCheckOnFourInstances_RevokedKeyCostsOneCheckForTheFleet()
    {
        using Fleet fleet = Fleet.Create(4, RedisServer.Shared, o =>
        {
            o.ApiKeys = [KeyA, KeyB];
            o.KeyCheck = () => new HttpRequestMessage(HttpMethod.Get, "/v1/account");
        });
        fleet.Simulator.On(HttpMethod.Get, "/v1/account", KeyA).Reply(SimulatedResponse.Unauthorized());
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path, KeyA).Reply(SimulatedResponse.Unauthorized());
        fleet.Simulator.On(HttpMethod.Get, "/v1/account").Reply(SimulatedResponse.Ok());
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());
        await fleet.ConnectedAsync();

        Task<HttpResponseMessage>[] calls = [.. fleet.Instances.SelectMany(i => Enumerable.Range(0, 4).Select(_ => i.SendAsync()))];
        await fleet.RunUntilAsync(Task.WhenAll(calls));

        Assert.All(calls, c => Assert.Equal(HttpStatusCode.OK, c.Result.StatusCode));
        Assert.Single(fleet.Simulator.Requests, r => r.ApiKey == KeyA);
        Assert.Single(fleet.Simulator.Requests, r => r.ApiKey == KeyB && r.Path == "/v1/account");
        Assert.Equal(16, fleet.Simulator.Requests.Count(r => r.ApiKey == KeyB && r.Path == Fleet.Path));
    }

    [RedisFact]
    public async Task SendAsync_RedisStoppedMidRun_RequestsGoOnWithLocalStateAndShareItAgainAfterARestart()
    {
        if (!RedisServer.CanStart)
        {
            return; // Needs a redis-server of its own to stop; the shared one serves other tests.
        }

        using RedisServer server = RedisServer.Start();
        var connections = new List<IConnectionMultiplexer>();
        IConnectionMultiplexer Connect(IServiceProvider _)
        {
            var config = ConfigurationOptions.Parse(server.Endpoint);
            config.AbortOnConnectFail = false;
            config.BacklogPolicy = BacklogPolicy.FailFast;
            config.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
            config.ReconnectRetryPolicy = new LinearRetry(100);
            config.AsyncTimeout = 250;
            IConnectionMultiplexer connection = ConnectionMultiplexer.Connect(config);
            lock (connections)
            {
                connections.Add(connection);
            }

            return connection;
        }

        try
        {
            using Fleet fleet = Fleet.Create(2, redis: null, o => o.ApiKeys = [KeyA, KeyB], Connect);
            fleet.Simulator.On(HttpMethod.Post, Fleet.Path, KeyA).Reply(SimulatedResponse.Unauthorized());
            fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());
            await fleet.ConnectedAsync();

            server.Stop();
            await Fleet.WaitUntilAsync(() => fleet.Instances.All(i => !i.Store.IsAvailable), "both instances see Redis gone");
            for (int i = 0; i < 3; i++)
            {
                using HttpResponseMessage response = await fleet[0].SendAsync().Bounded();
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            Assert.Single(fleet[0].Logged("RedisKeyStateUnavailable"));
            Assert.Single(fleet.Simulator.Requests, r => r.ApiKey == KeyA);

            server.Restart();
            await Fleet.WaitUntilAsync(() => fleet.Instances.All(i => i.Store.IsAvailable), "both instances reconnected");
            string quarantineKey = fleet[0].Store.RedisKey(Fleet.ClientName, KeyFingerprint.IdFor(KeyA));
            using (ConnectionMultiplexer probe = await ConnectionMultiplexer.ConnectAsync(server.Endpoint))
            {
                await Fleet.WaitUntilAsync(() => probe.GetDatabase().HashExists(quarantineKey, "quarantined_until"), "instance 1 wrote its quarantine back");
            }

            HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => fleet[1].SendAsync())).Bounded();

            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            Assert.Single(fleet.Simulator.Requests, r => r.ApiKey == KeyA);
            Assert.Single(fleet[0].Logged("RedisKeyStateRestored"));
        }
        finally
        {
            foreach (IConnectionMultiplexer connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task SendAsync_NoRedisListening_RequestsSucceedAndOneWarningIsLogged()
    {
        using Fleet fleet = Fleet.Create(1, $"127.0.0.1:{RedisServer.FreePort()},connectTimeout=200", o => o.ApiKeys = [KeyA, KeyB]);
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path, KeyA).Reply(SimulatedResponse.Unauthorized());
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.Ok());
        await fleet[0].Store.Connecting!.Bounded();

        for (int i = 0; i < 4; i++)
        {
            using HttpResponseMessage response = await fleet[0].SendAsync().Bounded();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Single(fleet.Simulator.Requests, r => r.ApiKey == KeyA);
        Assert.Single(fleet[0].Logged("RedisKeyStateUnavailable"));
    }

    [RedisFact]
    public async Task RedisKeys_AfterRejectionsAnd429s_HoldNoKeyTextAndAllExpire()
    {
        using Fleet fleet = Fleet.Create(2, RedisServer.Shared, o =>
        {
            o.ApiKeys = [KeyA, KeyB];
            o.RequestsPerSecondPerKey = 1000;
            o.KeyCheck = () => new HttpRequestMessage(HttpMethod.Get, "/v1/account");
        });
        fleet.Simulator.On(HttpMethod.Get, "/v1/account", KeyA).Reply(SimulatedResponse.Unauthorized());
        fleet.Simulator.On(HttpMethod.Get, "/v1/account").Reply(SimulatedResponse.Ok());
        fleet.Simulator.On(HttpMethod.Post, Fleet.Path).Reply(SimulatedResponse.RateLimited(TimeSpan.FromSeconds(2)), SimulatedResponse.Ok());
        await fleet.ConnectedAsync();

        Task<HttpResponseMessage>[] calls = [fleet[0].SendAsync(), fleet[1].SendAsync()];
        await fleet.RunUntilAsync(Task.WhenAll(calls));
        await fleet.RedisIdleAsync();

        using ConnectionMultiplexer probe = await ConnectionMultiplexer.ConnectAsync(RedisServer.Shared);
        IServer server = probe.GetServers().Single();
        IDatabase database = probe.GetDatabase();
        RedisKey[] keys = [.. server.Keys(pattern: fleet.Prefix + ":*")];
        Assert.Equal(
            new[] { KeyA, KeyB }.Select(k => $"{fleet.Prefix}:{Fleet.ClientName}:{KeyFingerprint.IdFor(k)}").Order(),
            keys.Select(k => k.ToString()).Order());
        foreach (RedisKey key in keys)
        {
            Assert.True(await database.KeyTimeToLiveAsync(key) is { } ttl && ttl > TimeSpan.Zero, $"{key} never expires");
            string text = key.ToString() + " " + string.Join(" ", (await database.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}"));
            foreach (string secret in new[] { KeyA, KeyB, "test-key", KeyA[^4..], KeyB[^4..] })
            {
                Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }
}
