using System.Diagnostics;
using System.Globalization;
using GenResilience.Benchmarks.Overhead;

namespace GenResilience.Benchmarks;

/// <summary>
/// The overhead benchmark's request, through one client, in a loop: something for a sampling profiler to watch
/// (<c>perf record</c> with <c>DOTNET_PerfMapEnabled=1</c>; see docs/benchmarks.md). BenchmarkDotNet's EventPipe
/// profiler is not used for this: its samples gather where threads pass a GC safe point (after clock reads, timer
/// changes), not where the time goes.
/// </summary>
internal static class ProfileLoop
{
    public static async Task<int> RunAsync(string clientName, double seconds)
    {
        if (!Enum.TryParse(clientName, ignoreCase: true, out OverheadClient client))
        {
            await Console.Error.WriteLineAsync($"unknown client '{clientName}'; one of: {string.Join(", ", Enum.GetNames<OverheadClient>())}").ConfigureAwait(false);
            return 2;
        }

        using var clients = new OverheadClients();
        await clients.VerifyAsync().ConfigureAwait(false);
        using HttpClient http = clients.Create(client);

        // Warm-up: tiered compilation settles before the measured loop.
        for (int i = 0; i < 200_000; i++)
        {
            await OverheadClients.SendAsync(http).ConfigureAwait(false);
        }

        long requests = 0;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (int i = 0; i < 1_000; i++)
            {
                await OverheadClients.SendAsync(http).ConfigureAwait(false);
            }

            requests += 1_000;
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{client}: {requests:N0} requests, {clock.Elapsed.TotalNanoseconds / requests:F0} ns and {(GC.GetAllocatedBytesForCurrentThread() - allocated) / requests} B per request (wall clock, profiler attached or not)"));
        return 0;
    }
}
