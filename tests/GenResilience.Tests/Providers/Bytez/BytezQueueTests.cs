using System.Text.Json;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using static GenResilience.Tests.Providers.Bytez.BytezHarness;

namespace GenResilience.Tests.Providers.Bytez;

public class BytezQueueTests
{
    private const string Model = BytezSimulator.ImageModel;
    private static readonly TimeSpan RunTime = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task GenerateImageAsync_TenAtOnceWithMaxConcurrentRequests1_AllSucceedWithoutA429()
    {
        using var h = Create(
            o => o.MaxConcurrentRequests = 1,
            simulator: s =>
            {
                s.ConcurrencyLimitPerKey = 1;
                s.WithModel(Model, "text-to-image", RunTime);
            });

        Task<string>[] calls = [.. Enumerable.Range(1, 10).Select(i => h.Client.GenerateImageAsync(Model, "fox " + i))];
        for (int i = 0; i < calls.Length; i++)
        {
            await h.PassAsync(RunTime);
        }

        string[] urls = await Task.WhenAll(calls).Bounded();

        Assert.Equal(10, urls.Distinct().Count());
        Assert.Equal(10, h.Simulator.Runs.Count);
        Assert.Equal(0, h.Simulator.ConcurrencyRefusals);
        Assert.Equal(1, h.Simulator.PeakConcurrentRuns);
        Assert.Empty(h.Messages("KeyRateLimited"));

        // The ten model checks shared one read of the list.
        Assert.Single(h.Simulator.Requests, r => r.Path == "/models/v2/list/models");
    }

    [Fact]
    public async Task RunAsync_HighPriorityQueuedLast_RunsNextThenNormalInArrivalOrderThenLow()
    {
        using var h = Create(o => o.MaxConcurrentRequests = 1, simulator: s => s.WithModel(Model, "text-to-image", RunTime));

        var calls = new List<Task> { Run(h, "A", BytezPriority.Normal) };
        await h.Simulator.WaitForRunsAsync(1);
        foreach ((string text, BytezPriority priority) in new[] { ("B", BytezPriority.Normal), ("C", BytezPriority.Low), ("D", BytezPriority.Normal) })
        {
            calls.Add(Run(h, text, priority));
            await h.WaitForQueueAsync(calls.Count - 1);
        }

        calls.Add(h.Client.GenerateImageAsync(Model, "E", parameters: null, BytezPriority.High));
        await h.WaitForQueueAsync(4);
        for (int i = 0; i < calls.Count; i++)
        {
            await h.PassAsync(RunTime);
        }

        await Task.WhenAll(calls).Bounded();
        Assert.Equal(["A", "E", "B", "D", "C"], Texts(h));
    }

    [Fact]
    public async Task RunAsync_QueuedCallCancelled_LeavesAtOnceAndItsPlaceIsTaken()
    {
        using var h = Create(o => (o.MaxConcurrentRequests, o.MaxQueueLength) = (1, 2), simulator: s => s.WithModel(Model, "text-to-image", RunTime));
        using var cancel = new CancellationTokenSource();

        Task a = Run(h, "A", BytezPriority.Normal);
        await h.Simulator.WaitForRunsAsync(1);
        Task b = h.Client.RunAsync(Model, new BytezRequest { Text = "B" }, cancel.Token);
        await h.WaitForQueueAsync(1);
        Task c = Run(h, "C", BytezPriority.Normal);
        await h.WaitForQueueAsync(2);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b).Bounded();
        Assert.Equal(1, h.QueueLength);

        Task e = Run(h, "E", BytezPriority.Normal);
        await h.WaitForQueueAsync(2);
        for (int i = 0; i < 3; i++)
        {
            await h.PassAsync(RunTime);
        }

        await Task.WhenAll(a, c, e).Bounded();
        Assert.Equal(["A", "C", "E"], Texts(h));
    }

    [Fact]
    public async Task RunAsync_QueueFull_FailsAtOnceRateLimitedWithABusyMessageAndSendsNothing()
    {
        using var h = Create(o => (o.MaxConcurrentRequests, o.MaxQueueLength) = (1, 1), simulator: s => s.WithModel(Model, "text-to-image", RunTime));

        Task a = Run(h, "A", BytezPriority.Normal);
        await h.Simulator.WaitForRunsAsync(1);
        Task b = Run(h, "B", BytezPriority.High);
        await h.WaitForQueueAsync(1);
        int requests = h.Simulator.Requests.Count;

        GenerationException full = await Assert.ThrowsAsync<GenerationException>(() => Run(h, "C", BytezPriority.High)).Bounded();

        Assert.Equal(GenerationErrorKind.RateLimited, full.Kind);
        Assert.Equal(0, full.Attempts);
        Assert.Null(full.StatusCode);
        Assert.Contains("busy", full.UserMessage, StringComparison.Ordinal);
        Assert.Contains("queued", full.UserMessage, StringComparison.Ordinal);
        Assert.Contains("GenerationClients:Bytez:MaxQueueLength", full.Message, StringComparison.Ordinal);
        Assert.Equal(requests, h.Simulator.Requests.Count);
        Assert.Single(h.Messages("BytezQueueFull"));

        await h.PassAsync(RunTime);
        await h.PassAsync(RunTime);
        await Task.WhenAll(a, b).Bounded();
    }

    [Fact]
    public async Task RunAsync_LowPriorityBehindAStreamOfHigh_StartsAfterQueueOvertakeLimitOfThem()
    {
        using var h = Create(o => (o.MaxConcurrentRequests, o.QueueOvertakeLimit) = (1, 2), simulator: s => s.WithModel(Model, "text-to-image", RunTime));

        var calls = new List<Task> { Run(h, "A", BytezPriority.Normal) };
        await h.Simulator.WaitForRunsAsync(1);
        foreach ((string text, BytezPriority priority) in new[] { ("L", BytezPriority.Low), ("H1", BytezPriority.High), ("H2", BytezPriority.High), ("H3", BytezPriority.High) })
        {
            calls.Add(Run(h, text, priority));
            await h.WaitForQueueAsync(calls.Count - 1);
        }

        for (int i = 0; i < calls.Count; i++)
        {
            await h.PassAsync(RunTime);
        }

        await Task.WhenAll(calls).Bounded();
        Assert.Equal(["A", "H1", "H2", "L", "H3"], Texts(h));
    }

    [Fact]
    public async Task RunAsync_QueueOvertakeLimit0_StartsQueuedRunsInArrivalOrder()
    {
        using var h = Create(o => (o.MaxConcurrentRequests, o.QueueOvertakeLimit) = (1, 0), simulator: s => s.WithModel(Model, "text-to-image", RunTime));

        var calls = new List<Task> { Run(h, "A", BytezPriority.Normal) };
        await h.Simulator.WaitForRunsAsync(1);
        foreach ((string text, BytezPriority priority) in new[] { ("L", BytezPriority.Low), ("H", BytezPriority.High) })
        {
            calls.Add(Run(h, text, priority));
            await h.WaitForQueueAsync(calls.Count - 1);
        }

        for (int i = 0; i < calls.Count; i++)
        {
            await h.PassAsync(RunTime);
        }

        await Task.WhenAll(calls).Bounded();
        Assert.Equal(["A", "L", "H"], Texts(h));
    }

    private static Task<BytezResult> Run(BytezHarness h, string text, BytezPriority priority)
        => h.Client.RunAsync(Model, new BytezRequest { Text = text, Priority = priority });

    private static string[] Texts(BytezHarness h)
        => [.. h.Simulator.Runs.Select(r => JsonDocument.Parse(r.BodyText).RootElement.GetProperty("text").GetString()!)];
}
