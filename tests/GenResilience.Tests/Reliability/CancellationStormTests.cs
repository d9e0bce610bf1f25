using System.Net;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using GenResilience.Tests.Providers.Bytez;
using GenResilience.Tests.Providers.UseApi;

namespace GenResilience.Tests.Reliability;

/// <summary>Callers give up all the time: nothing may hang, leak a key reservation or lose a queue slot when they do.</summary>
public class CancellationStormTests
{
    private const string Path = "/m";

    [Fact]
    public async Task Pipeline_1000RequestsCancelledInBackoffInTheKeyLineAndMidResponse_AllEndPromptlyAndTheNextRequestWorks()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = ["test-key-1", "test-key-2"]);

        // Three places to be when the cancellation comes: waiting out a 5 s server-error backoff, waiting in a key's
        // line behind a 30 s cooldown, or waiting for an answer that the server holds back (on the fake clock).
        h.Simulator.On(HttpMethod.Post, Path).Handle(r => (r.Sequence % 3) switch
        {
            0 => SimulatedResponse.Status(503, "busy"),
            1 => SimulatedResponse.RateLimited(TimeSpan.FromSeconds(30)),
            _ => SimulatedResponse.Ok().WithDelay(TimeSpan.FromMinutes(1)),
        });
        var random = new Random(1234);
        CancellationTokenSource[] cancels = [.. Enumerable.Range(0, 1000).Select(_ => new CancellationTokenSource())];
        Task<HttpResponseMessage>[] calls = [.. cancels.Select(c => h.Client.SendAsync(PipelineHarness.Post(Path), c.Token))];

        // Let them spread out over the three places, then cancel them in a random order.
        await WaitUntilQuietAsync(() => h.Simulator.Requests.Count);
        foreach (CancellationTokenSource cancel in cancels.OrderBy(_ => random.Next()))
        {
            cancel.Cancel();
        }

        Exception?[] outcomes = await Task.WhenAll(calls.Select(async call =>
        {
            try
            {
                using HttpResponseMessage response = await call;
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        })).WaitAsync(Helpers.TaskExtensions.Safety);

        Assert.All(outcomes, e => Assert.IsAssignableFrom<OperationCanceledException>(e));
        Assert.Equal(0, h.InFlight);

        // The pool is whole: after the cooldowns, a new request goes through on either key.
        h.Simulator.On(HttpMethod.Post, "/after").Reply(SimulatedResponse.Ok());
        Task<HttpResponseMessage> next = h.Client.SendAsync(PipelineHarness.Post("/after"));
        await h.RunUntilAsync(next, horizon: TimeSpan.FromMinutes(1));
        using HttpResponseMessage after = await next;
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.All(cancels, c => c.Dispose());
    }

    [Fact]
    public async Task BytezQueue_50QueuedRunsCancelled_NoSlotIsLostAndTheNextRunStartsAtOnce()
    {
        using var h = BytezHarness.Create(o => o.MaxConcurrentRequests = 1, simulator: s => s.WithModel(BytezSimulator.ImageModel, "text-to-image", runTime: TimeSpan.FromSeconds(40)));
        using var cancel = new CancellationTokenSource();
        Task<string> running = h.Client.GenerateImageAsync(BytezSimulator.ImageModel, "the one that runs");
        await h.Simulator.WaitForRunsAsync(1);
        Task<string>[] queued = [.. Enumerable.Range(0, 50).Select(i => h.Client.GenerateImageAsync(BytezSimulator.ImageModel, $"queued {i}", cancellationToken: cancel.Token))];
        await h.WaitForQueueAsync(50);

        cancel.Cancel();

        foreach (Task<string> call in queued)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call).Bounded();
        }

        Assert.Equal(0, h.QueueLength);
        await h.PassAsync(TimeSpan.FromSeconds(40));
        Assert.StartsWith("https://", await running.Bounded(), StringComparison.Ordinal);

        // The one slot is free again: the next run is sent at once.
        Task<string> next = h.Client.GenerateImageAsync(BytezSimulator.ImageModel, "next");
        await h.Simulator.WaitForRunsAsync(2);
        await h.PassAsync(TimeSpan.FromSeconds(40));
        Assert.StartsWith("https://", await next.Bounded(), StringComparison.Ordinal);
        Assert.Equal(2, h.Simulator.Runs.Count);
    }

    [Fact]
    public async Task UseApiPolls_50WaitsCancelledMidPoll_AllEndAndTheClientStillWorks()
    {
        using var h = UseApiHarness.Create(simulator: s => s.PollsUntilDone = 1000);
        UseApiJob job = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));
        using var cancel = new CancellationTokenSource();
        Task<UseApiJobStatus>[] waits = [.. Enumerable.Range(0, 50).Select(_ => h.Client.WaitForCompletionAsync(job, cancellationToken: cancel.Token))];
        await h.Time.WaitForTimersAsync(TimeSpan.FromSeconds(10), 50);

        cancel.Cancel();

        foreach (Task<UseApiJobStatus> wait in waits)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait).Bounded();
        }

        h.Simulator.PollsUntilDone = 0;
        UseApiJob second = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "another fox" }));
        UseApiJobStatus done = await h.RunAsync(h.Client.WaitForCompletionAsync(second));
        Assert.True(done.IsCompleted);
    }

    /// <summary>Waits (real time, bounded) until a count stops growing for a few milliseconds.</summary>
    private static async Task WaitUntilQuietAsync(Func<int> count)
    {
        using var safety = new CancellationTokenSource(Helpers.TaskExtensions.Safety);
        int last = -1;
        int still = 0;
        while (still < 20)
        {
            await Task.Delay(5, safety.Token);
            int now = count();
            still = now == last ? still + 1 : 0;
            last = now;
        }
    }
}
