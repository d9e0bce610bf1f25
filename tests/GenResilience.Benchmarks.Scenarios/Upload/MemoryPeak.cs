using System.Diagnostics;

namespace GenResilience.Benchmarks.Upload;

/// <summary>The process's memory while something ran, against the idle process just before.</summary>
/// <param name="IdleWorkingSet">The working set at idle, after a full blocking collection (median of several samples).</param>
/// <param name="PeakWorkingSet">
/// The highest working set while it ran: the kernel's own high-water mark of the resident set (<c>VmHWM</c> of
/// <c>/proc/self/status</c>, reset just before) where Linux offers it, else the highest sample.
/// </param>
/// <param name="HighWaterMarkKnown">Whether <paramref name="PeakWorkingSet"/> is the kernel's high-water mark rather than a sample.</param>
/// <param name="PeakSampledWorkingSet">The highest working set sampled while it ran.</param>
/// <param name="IdleManagedHeap">The managed heap in use at idle.</param>
/// <param name="PeakManagedHeap">The highest managed heap in use sampled while it ran.</param>
/// <param name="AllocatedBytes">Bytes the process allocated on the managed heap while it ran.</param>
/// <param name="Samples">How many samples were taken while it ran.</param>
public sealed record MemoryPeak(long IdleWorkingSet, long PeakWorkingSet, bool HighWaterMarkKnown, long PeakSampledWorkingSet, long IdleManagedHeap, long PeakManagedHeap, long AllocatedBytes, int Samples)
{
    /// <summary>Gets the peak working set above the idle one.</summary>
    public long WorkingSetAboveIdle => PeakWorkingSet - IdleWorkingSet;

    /// <summary>Gets the highest sampled working set above the idle one.</summary>
    public long SampledWorkingSetAboveIdle => PeakSampledWorkingSet - IdleWorkingSet;

    /// <summary>Gets the peak managed heap above the idle one.</summary>
    public long ManagedHeapAboveIdle => PeakManagedHeap - IdleManagedHeap;

    /// <summary>
    /// Measures the idle process (after a full, compacting, blocking collection), then samples the working set
    /// (<see cref="Environment.WorkingSet"/>) and the managed heap on a thread of its own every
    /// <paramref name="interval"/> while <paramref name="run"/> runs.
    /// </summary>
    /// <typeparam name="T">What <paramref name="run"/> returns.</typeparam>
    /// <param name="run">The work to measure.</param>
    /// <param name="interval">The time between samples.</param>
    /// <returns>What <paramref name="run"/> returned, and the memory.</returns>
    public static async Task<(T Result, MemoryPeak Memory)> MeasureAsync<T>(Func<Task<T>> run, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(run);
        for (int i = 0; i < 2; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        long[] idle = new long[11];
        for (int i = 0; i < idle.Length; i++)
        {
            idle[i] = Environment.WorkingSet;
            Thread.Sleep(interval);
        }

        Array.Sort(idle);
        long idleWorkingSet = idle[idle.Length / 2];
        long idleHeap = GC.GetTotalMemory(forceFullCollection: false);

        long peakWorkingSet = idleWorkingSet;
        long peakHeap = idleHeap;
        int samples = 0;
        using var stop = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            do
            {
                peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                samples++;
            }
            while (!stop.Wait(interval));
        })
        {
            IsBackground = true,
            Name = "memory sampler",
            Priority = ThreadPriority.AboveNormal,
        };

        bool highWaterMarkReset = ResetHighWaterMark();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        sampler.Start();
        T result;
        try
        {
            result = await run().ConfigureAwait(false);
        }
        finally
        {
            stop.Set();
            sampler.Join();
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        long? highWaterMark = highWaterMarkReset ? ReadHighWaterMark() : null;
        Debug.Assert(samples > 0, "The sampler samples at least once.");
        long peak = highWaterMark is { } hwm ? Math.Max(hwm, peakWorkingSet) : peakWorkingSet;
        return (result, new MemoryPeak(idleWorkingSet, peak, highWaterMark is not null, peakWorkingSet, idleHeap, peakHeap, allocated, samples));
    }

    /// <summary>Resets the kernel's high-water mark of the resident set to the current one (Linux 4.0 and later).</summary>
    private static bool ResetHighWaterMark()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>Reads the kernel's high-water mark of the resident set (<c>VmHWM</c>), in bytes.</summary>
    private static long? ReadHighWaterMark()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    string kilobytes = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kilobytes, System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
