using System.Diagnostics;
using System.Globalization;
using GenResilience.Benchmarks.Server;
using GenResilience.Benchmarks.Throughput;

namespace GenResilience.Benchmarks;

/// <summary>
/// The throughput scenario's load, through one client, for a while: something for a sampling profiler to watch on the
/// socket path (<c>perf record</c> with <c>DOTNET_PerfMapEnabled=1</c>; see docs/benchmarks.md), where
/// <see cref="ProfileLoop"/> watches the in-memory request.
/// </summary>
internal static class ThroughputProfileLoop
{
    public static async Task<int> RunAsync(string clientName, int concurrency, double seconds)
    {
        if (!Enum.TryParse(clientName, ignoreCase: true, out ThroughputClientKind kind))
        {
            await Console.Error.WriteLineAsync($"unknown client '{clientName}'; one of: {string.Join(", ", Enum.GetNames<ThroughputClientKind>())}").ConfigureAwait(false);
            return 2;
        }

        await using MinimalEndpoint endpoint = await MinimalEndpoint.StartAsync(ThroughputClient.Keys).ConfigureAwait(false);
        using var client = ThroughputClient.Create(kind, endpoint.BaseAddress);

        // Warm-up: the connections open and tiered compilation settles before the measured loop; on two loaded cores it
        // takes 10-15 s of this load before the last methods leave their instrumented tier.
        await RunAsync(client, concurrency, TimeSpan.FromSeconds(20)).ConfigureAwait(false);

        using var process = Process.GetCurrentProcess();
        TimeSpan cpu = process.TotalProcessorTime;
        long allocated = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();
        long requests = await RunAsync(client, concurrency, TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
        clock.Stop();
        process.Refresh();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{kind}, {concurrency} in flight: {requests:N0} requests, {requests / clock.Elapsed.TotalSeconds:N0}/s, {(process.TotalProcessorTime - cpu).TotalMicroseconds / requests:F1} µs CPU and {(GC.GetTotalAllocatedBytes() - allocated) / requests} B per request (profiler attached or not)"));
        return 0;
    }

    private static async Task<long> RunAsync(ThroughputClient client, int concurrency, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource(duration);
        async Task<long> CallerAsync()
        {
            long completed = 0;
            while (!stop.IsCancellationRequested)
            {
                if (await client.SendAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    completed++;
                }
            }

            return completed;
        }

        long[] callers = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(CallerAsync))).ConfigureAwait(false);
        return callers.Sum();
    }
}
