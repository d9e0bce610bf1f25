using System.Diagnostics;

namespace GenResilience.Benchmarks.Upload;

/// <summary>The process's memory while something ran, against the idle process just before.</summary>
/// <param name="IdleWorkingSet">The working set at idle, after a full blocking collection (median of several samples).</param>
/// <param name="PeakWorkingSet">The highest working set sampled while it ran.</param>
/// <param name="IdleManagedHeap">The managed heap in use at idle.</param>
/// <param name="PeakManagedHeap">The highest managed heap in use sampled while it ran.</param>
/// <param name="AllocatedBytes">Bytes the process allocated on the managed heap while it ran.</param>
/// <param name="Samples">How many samples were taken while it ran.</param>
public sealed record MemoryPeak(long IdleWorkingSet, long PeakWorkingSet, long IdleManagedHeap, long PeakManagedHeap, long AllocatedBytes, int Samples)
{
    /// <summary>Gets the peak working set above the idle one.</summary>
    public long WorkingSetAboveIdle => PeakWorkingSet - IdleWorkingSet;

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
        Debug.Assert(samples > 0, "The sampler samples at least once.");
        return (result, new MemoryPeak(idleWorkingSet, peakWorkingSet, idleHeap, peakHeap, allocated, samples));
    }
}
