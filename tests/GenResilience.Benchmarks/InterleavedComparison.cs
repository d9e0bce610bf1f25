using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using GenResilience.Benchmarks.Overhead;

namespace GenResilience.Benchmarks;

/// <summary>
/// The overhead benchmark's four clients measured in one process, round after round, each round sending the same
/// number of requests through every client in turn, timed by the thread's own CPU time. On a shared machine whose
/// load changes from one minute to the next, BenchmarkDotNet measures each client in its own process minutes apart,
/// so a burst of other work lands on one client and not the others; here every round sees the same load for all four,
/// and CPU time leaves out the time the thread waited for a core. The fastest round of each client is the least
/// disturbed one.
/// </summary>
internal static class InterleavedComparison
{
    private const int ClockThreadCpuTime = 3;

    public static async Task<string> RunAsync(int rounds, int requestsPerRound)
    {
        OverheadClient[] all = Enum.GetValues<OverheadClient>();
        using var clients = new OverheadClients();
        await clients.VerifyAsync().ConfigureAwait(false);
        HttpClient[] http = [.. all.Select(clients.Create)];
        var times = all.Select(_ => new List<double>()).ToArray();
        var bytes = new long[all.Length];
        try
        {
            for (int c = 0; c < all.Length; c++)
            {
                for (int i = 0; i < 200_000; i++)
                {
                    await OverheadClients.SendAsync(http[c]).ConfigureAwait(false);
                }
            }

            for (int round = 0; round < rounds; round++)
            {
                for (int c = 0; c < all.Length; c++)
                {
                    long allocated = GC.GetAllocatedBytesForCurrentThread();
                    long started = CpuNanoseconds();
                    for (int i = 0; i < requestsPerRound; i++)
                    {
                        await OverheadClients.SendAsync(http[c]).ConfigureAwait(false);
                    }

                    times[c].Add((double)(CpuNanoseconds() - started) / requestsPerRound);
                    bytes[c] = (GC.GetAllocatedBytesForCurrentThread() - allocated) / requestsPerRound;
                }
            }
        }
        finally
        {
            foreach (HttpClient client in http)
            {
                client.Dispose();
            }
        }

        int standard = Array.IndexOf(all, OverheadClient.Standard);
        double standardMin = times[standard].Min();
        double standardMedian = Median(times[standard]);
        var table = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{rounds} rounds of {requestsPerRound:N0} requests per client, thread CPU time per request")
            .AppendLine()
            .AppendLine("| client | fastest round | median round | fastest / standard's | median / standard's | allocated |")
            .AppendLine("|---|---:|---:|---:|---:|---:|");
        for (int c = 0; c < all.Length; c++)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"| {all[c]} | {times[c].Min():N0} ns | {Median(times[c]):N0} ns | {times[c].Min() / standardMin:F2}× | {Median(times[c]) / standardMedian:F2}× | {bytes[c]:N0} B |");
        }

        return table.ToString();
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }

    /// <summary>The calling thread's CPU time on Linux; elsewhere the wall clock.</summary>
    private static long CpuNanoseconds()
    {
        if (OperatingSystem.IsLinux() && clock_gettime(ClockThreadCpuTime, out Timespec now) == 0)
        {
            return (now.Seconds * 1_000_000_000) + now.Nanoseconds;
        }

        return (long)(System.Diagnostics.Stopwatch.GetTimestamp() * (1e9 / System.Diagnostics.Stopwatch.Frequency));
    }

#pragma warning disable SA1300, CA5392, SYSLIB1054 // libc's own name; a plain P/Invoke is enough for a benchmark.
    [DllImport("libc", SetLastError = false)]
    private static extern int clock_gettime(int clock, out Timespec time);
#pragma warning restore SA1300, CA5392, SYSLIB1054

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
