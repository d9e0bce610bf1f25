using System.Net;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;

namespace GenResilience.Tests.Keys;

/// <summary>
/// What happens after a 429: waiters leave in order, one trial first, then at the key's pace; a known rate is never
/// exceeded; a key check finds a revoked key with one cheap request.
/// </summary>
public class KeyAdmissionTests
{
    private const string Path = "/models/v2/stabilityai/sdxl";
    private const string CheckPath = "/v2/account";
    private const string KeyA = "test-key-aaaa-1111";
    private const string KeyB = "test-key-bbbb-2222";
    private const string KeyC = "test-key-cccc-3333";

    [Fact]
    public async Task SendAsync_20WaitersAfterRetryAfter1_OneTrialLeavesAloneThenTheRestArePaced()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA]);
        h.Simulator.Clock = h.Time;
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.RateLimited(TimeSpan.FromSeconds(1)), SimulatedResponse.Ok());

        Task<HttpResponseMessage> first = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        Task<HttpResponseMessage>[] calls = [first, .. Enumerable.Range(0, 19).Select(_ => h.Client.SendAsync(PipelineHarness.Post(Path)))];

        // Nothing leaves during the cooldown; at its end exactly one request does, and the rest wait for its answer.
        h.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Single(h.Simulator.Requests);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        await h.Simulator.WaitForRequestsAsync(2);
        while (h.InFlight > 0)
        {
            await Task.Delay(1);
        }

        Assert.Equal(2, h.Simulator.Requests.Count);

        await h.RunUntilAsync(Task.WhenAll(calls));

        Assert.All(calls, c => Assert.Equal(HttpStatusCode.OK, c.Result.StatusCode));
        IReadOnlyList<SimulatedRequest> requests = h.Simulator.Requests;
        Assert.Equal(21, requests.Count);

        // Paced: after the trial, no two requests leave at the same instant, and they leave in a rising rhythm.
        DateTimeOffset[] sent = [.. requests.Skip(1).Select(r => r.ReceivedAt)];
        Assert.All(sent.Zip(sent.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"{pair.First:ss.fff} then {pair.Second:ss.fff}"));
        Assert.True(sent[^1] - sent[0] >= TimeSpan.FromSeconds(1), "the 20 requests left over at least a second");
    }

    [Fact]
    public async Task SendAsync_ServerAdmitsOnePerSecond_20WaitersAllSucceedWithAHandfulOf429s()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA]);
        h.Simulator.Clock = h.Time;
        h.Simulator.LimitRatePerKey(requestsPerSecond: 1, burst: 1, retryAfter: TimeSpan.FromSeconds(1));
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());

        // One request uses the second's allowance, the next meets the 429 that starts the story.
        using (HttpResponseMessage warmUp = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded())
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        Task<HttpResponseMessage> limited = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        Task<HttpResponseMessage>[] calls = [limited, .. Enumerable.Range(0, 19).Select(_ => h.Client.SendAsync(PipelineHarness.Post(Path)))];

        await h.RunUntilAsync(Task.WhenAll(calls));

        Assert.All(calls, c => Assert.Equal(HttpStatusCode.OK, c.Result.StatusCode));
        Assert.InRange(h.Simulator.RateLimitedCount, 1, 6);
    }

    [Fact]
    public async Task SendAsync_KnownRate_50ConcurrentRequestsGetNo429AndLeaveAtTheRate()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.ApiKeys = [KeyA];
            o.RequestsPerSecondPerKey = 10;
        });
        h.Simulator.Clock = h.Time;
        h.Simulator.LimitRatePerKey(requestsPerSecond: 10, burst: 1);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());
        DateTimeOffset start = h.Time.GetUtcNow();

        Task<HttpResponseMessage>[] calls = [.. Enumerable.Range(0, 50).Select(_ => h.Client.SendAsync(PipelineHarness.Post(Path)))];
        await h.RunUntilAsync(Task.WhenAll(calls));

        Assert.All(calls, c => Assert.Equal(HttpStatusCode.OK, c.Result.StatusCode));
        Assert.Equal(0, h.Simulator.RateLimitedCount);
        Assert.Equal(50, h.Simulator.Requests.Count);

        // 50 requests at 10 per second: the first at once, the last 4.9 s later.
        TimeSpan makespan = h.Simulator.Requests[^1].ReceivedAt - start;
        Assert.InRange(makespan, TimeSpan.FromSeconds(4.9), TimeSpan.FromSeconds(4.9) + TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task SendAsync_KnownRate_WaitBeyondTotalTimeoutFailsAtOnceWithRetryAfter()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.ApiKeys = [KeyA];
            o.RequestsPerSecondPerKey = 1;
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.TotalTimeout = TimeSpan.FromSeconds(5.5);
        });

        Task<HttpResponseMessage>[] calls = [.. Enumerable.Range(0, 10).Select(_ => h.Client.SendAsync(PipelineHarness.Post(Path)))];

        // The clock never moves: six requests fit in the 5.5 s total timeout (at 0 s to 5 s); the next could leave
        // only at 6 s, so requests 7 to 10 fail at once and say when the key has room.
        GenerationException[] errors = await Task.WhenAll(calls.Skip(6).Select(c => Assert.ThrowsAsync<GenerationException>(() => c.Bounded())));

        Assert.All(errors, e => Assert.Equal(GenerationErrorKind.RateLimited, e.Kind));
        Assert.All(errors, e => Assert.Equal(TimeSpan.FromSeconds(6), e.RetryAfter));
        Assert.Single(await h.Simulator.WaitForRequestsAsync(1));
        Assert.All(calls.Take(6), c => Assert.False(c.IsCompleted && c.IsFaulted));
    }

    [Fact]
    public async Task SendAsync_CancelledWaiter_LeavesTheQueueAtOnceAndTheNextMovesUp()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.ApiKeys = [KeyA];
            o.RequestsPerSecondPerKey = 1;
        });
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());
        using var cancel = new CancellationTokenSource();

        using HttpResponseMessage first = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();
        Task<HttpResponseMessage> second = h.Client.SendAsync(PipelineHarness.Post(Path), cancel.Token);
        Task<HttpResponseMessage> third = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1));

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.Bounded());

        // The third took the second's place: it leaves when the second would have.
        h.Time.Advance(TimeSpan.FromSeconds(1));
        using HttpResponseMessage response = await third.Bounded();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, h.Simulator.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_KeyCheck_RunsOncePerKeyUnder50ConcurrentFirstUses()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.ApiKeys = [KeyA, KeyB];
            o.KeyCheck = () => new HttpRequestMessage(HttpMethod.Get, CheckPath);
        });
        h.Simulator.On(HttpMethod.Get, CheckPath).Reply(SimulatedResponse.Ok("{\"account\":\"ok\"}"));
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => h.Client.SendAsync(PipelineHarness.Post(Path)))).Bounded();

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal([KeyA, KeyB], h.Simulator.RequestsTo(CheckPath).Select(r => r.ApiKey).Order());
        Assert.Equal(50, h.Simulator.RequestsTo(Path).Count);
        Assert.Equal(2, h.Logs.GetSnapshot().Count(r => r.Id.Name == "KeyCheckPassed"));
    }

    [Fact]
    public async Task SendAsync_KeyCheckRejectsKey_KeyIsQuarantinedWithoutAnyRealRequest()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.ApiKeys = [KeyA, KeyB];
            o.KeyCheck = () => new HttpRequestMessage(HttpMethod.Get, CheckPath);
        });
        h.Simulator.On(HttpMethod.Get, CheckPath).Reply(SimulatedResponse.Ok());
        h.Simulator.On(HttpMethod.Get, CheckPath, KeyA).Reply(SimulatedResponse.Unauthorized());
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());
        h.Simulator.On(HttpMethod.Post, Path, KeyA).Reply(SimulatedResponse.Unauthorized());

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => h.Client.SendAsync(PipelineHarness.Post(Path)))).Bounded();

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal([CheckPath], h.Simulator.Requests.Where(r => r.ApiKey == KeyA).Select(r => r.Path));
        Assert.All(h.Simulator.RequestsTo(Path), r => Assert.Equal(KeyB, r.ApiKey));
        Assert.Equal(["Bytez image: API key …1111 was rejected with 401; quarantined for 10m, 1 of 2 keys left"], h.Warnings("KeyRejected"));
    }

    [Fact]
    public async Task SendAsync_OneOfThreeKeysQuarantined_TheOtherTwoShareTheTrafficEvenly()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA, KeyB, KeyC]);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());
        h.Simulator.On(HttpMethod.Post, Path, KeyB).Reply(SimulatedResponse.Unauthorized());

        for (int i = 0; i < 61; i++)
        {
            using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        IReadOnlyList<SimulatedRequest> successes = [.. h.Simulator.Requests.Where(r => r.ApiKey != KeyB)];
        Assert.Equal(61, successes.Count);
        Assert.Equal(31, successes.Count(r => r.ApiKey == KeyA));
        Assert.Equal(30, successes.Count(r => r.ApiKey == KeyC));
    }
}
