using System.Collections.Concurrent;
using System.Net;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Tests.Keys;

/// <summary>
/// How a key's 429s in a row set its cooldown when the provider sends no <c>Retry-After</c>: <c>RateLimitDelay</c> × the
/// count, where the 429s of one burst (attempts that started before the burst's first 429 came back) count once, and a
/// success of an attempt that started after the last 429 ends the run.
/// </summary>
public sealed class RateLimitStreakTests
{
    private const string Path = "/models/v2/stabilityai/sdxl";

    [Fact]
    public async Task SendAsync_ThreeRequestsMeetOneBurstOf429s_TheKeyCoolsDownOnceNotThreeTimesLonger()
    {
        var arrived = new ConcurrentQueue<DateTimeOffset>();
        var firstThree = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer429 = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TrackingTimeProvider? clock = null;
        var handler = new LambdaHandler(async (request, call, ct) =>
        {
            arrived.Enqueue(clock!.GetUtcNow());
            if (call <= 3)
            {
                if (call == 3)
                {
                    firstThree.TrySetResult();
                }

                await answer429.Task.WaitAsync(ct);
                return new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            }

            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        using var h = PipelineHarness.Create(o => o.ApiKeys = ["test-key-aaaa-1111"], client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));
        clock = h.Time;
        DateTimeOffset start = h.Time.GetUtcNow();

        Task<HttpResponseMessage>[] calls = [.. Enumerable.Range(0, 3).Select(_ => h.Client.SendAsync(PipelineHarness.Post(Path)))];
        await firstThree.Task.Bounded();

        // The three were sent together; their 429s come back 100 ms later, one burst.
        h.Time.Advance(TimeSpan.FromMilliseconds(100));
        answer429.SetResult();
        await h.RunUntilAsync(Task.WhenAll(calls));

        Assert.All(calls, c => Assert.Equal(HttpStatusCode.OK, c.Result.StatusCode));
        DateTimeOffset[] at = [.. arrived];
        Assert.Equal(6, at.Length);
        Assert.All(at.Take(3), t => Assert.Equal(start, t));

        // One 429 in a row: the key's first request after the burst goes 2 s (RateLimitDelay × 1) after it, not 6 s.
        Assert.Equal(start + TimeSpan.FromMilliseconds(100) + TimeSpan.FromSeconds(2), at[3]);
    }

    [Fact]
    public async Task SendAsync_429AfterASuccessThatEndedTheRun_CoolsTheKeyDownAsTheFirstOfANewRun()
    {
        var arrived = new ConcurrentQueue<DateTimeOffset>();
        TrackingTimeProvider? clock = null;

        // 429, then its retry succeeds; later a new 429, and its retry succeeds.
        var handler = new LambdaHandler((request, call, ct) =>
        {
            arrived.Enqueue(clock!.GetUtcNow());
            return LambdaHandler.Status(request, call is 1 or 3 ? 429 : 200);
        });
        using var h = PipelineHarness.Create(o => o.ApiKeys = ["test-key-aaaa-1111"], client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));
        clock = h.Time;
        DateTimeOffset start = h.Time.GetUtcNow();

        Task<HttpResponseMessage> first = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.RunUntilAsync(first);
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);

        h.Time.Advance(TimeSpan.FromMinutes(1));
        DateTimeOffset later = h.Time.GetUtcNow();
        Task<HttpResponseMessage> second = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.RunUntilAsync(second);
        Assert.Equal(HttpStatusCode.OK, (await second).StatusCode);

        DateTimeOffset[] at = [.. arrived];
        Assert.Equal([start, start + TimeSpan.FromSeconds(2), later, later + TimeSpan.FromSeconds(2)], at);
    }

    [Fact]
    public async Task SendAsync_ShorterRetryAfterOnALater429_NeverShortensTheKeysCooldown()
    {
        var arrived = new ConcurrentQueue<DateTimeOffset>();
        var bothSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gates = new[] { new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        TrackingTimeProvider? clock = null;
        var handler = new LambdaHandler(async (request, call, ct) =>
        {
            arrived.Enqueue(clock!.GetUtcNow());
            if (call > 2)
            {
                return new HttpResponseMessage(HttpStatusCode.OK);
            }

            if (call == 2)
            {
                bothSent.TrySetResult();
            }

            await gates[call - 1].Task.WaitAsync(ct);
            var limited = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            limited.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(call == 1 ? 30 : 1));
            return limited;
        });
        using var h = PipelineHarness.Create(o => o.ApiKeys = ["test-key-aaaa-1111"], client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));
        clock = h.Time;
        DateTimeOffset start = h.Time.GetUtcNow();

        Task<HttpResponseMessage>[] calls = [.. Enumerable.Range(0, 2).Select(_ => h.Client.SendAsync(PipelineHarness.Post(Path)))];
        await bothSent.Task.Bounded();
        h.Time.Advance(TimeSpan.FromMilliseconds(100));
        gates[0].SetResult(); // Retry-After: 30
        await h.Time.WaitForTimerAsync(d => d > TimeSpan.FromSeconds(25));
        gates[1].SetResult(); // Retry-After: 1, later
        await h.RunUntilAsync(Task.WhenAll(calls));

        Assert.All(calls, c => Assert.Equal(HttpStatusCode.OK, c.Result.StatusCode));
        DateTimeOffset[] at = [.. arrived];
        Assert.Equal(4, at.Length);
        Assert.All(at.Skip(2), t => Assert.True(
            t >= start + TimeSpan.FromMilliseconds(100) + TimeSpan.FromSeconds(30),
            $"sent at +{(t - start).TotalSeconds}s, inside the 30 s cooldown that a later Retry-After: 1 must not shorten"));
    }

    [Fact]
    public async Task SendAsync_KeyCheckMeetsA429_TheFirstRequestWaitsForItsRetryAfter()
    {
        // The check is the key's first use: its 429 says the key is out of budget for 20 s. The key stays in use (a 429
        // does not disprove it), and the request waits for the cooldown instead of going straight into another 429.
        var arrived = new ConcurrentQueue<(string Path, DateTimeOffset At)>();
        TrackingTimeProvider? clock = null;
        var handler = new LambdaHandler((request, call, ct) =>
        {
            arrived.Enqueue((request.RequestUri!.AbsolutePath, clock!.GetUtcNow()));
            if (request.RequestUri.AbsolutePath == "/v1/account")
            {
                var limited = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
                limited.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(20));
                return Task.FromResult(limited);
            }

            return LambdaHandler.Status(request, 200);
        });
        using var h = PipelineHarness.Create(
            o =>
            {
                o.ApiKeys = ["test-key-aaaa-1111"];
                o.KeyCheck = () => new HttpRequestMessage(HttpMethod.Get, "/v1/account");
            },
            client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));
        clock = h.Time;
        DateTimeOffset start = h.Time.GetUtcNow();

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.RunUntilAsync(call);

        Assert.Equal(HttpStatusCode.OK, (await call).StatusCode);
        Assert.Equal([("/v1/account", start), (Path, start + TimeSpan.FromSeconds(20))], arrived);
    }
}
