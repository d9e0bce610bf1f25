using System.Diagnostics;
using System.Globalization;
using GenResilience.Benchmarks.Reporting;
using GenResilience.Benchmarks.Server;

namespace GenResilience.Benchmarks.Throughput;

/// <summary>
/// Throughput on loopback: the plain client, the standard resilience handler and ours, each keeping a fixed number of
/// requests in flight against a <see cref="MinimalEndpoint"/> in the same process, for short rounds. The machine is
/// shared, so the clients take turns: every round runs each client once, the order rotating from round to round, and
/// each client is compared with the others of its own round.
/// </summary>
public static class ThroughputScenario
{
    /// <summary>The clients, in the order of the first round.</summary>
    public static readonly IReadOnlyList<ThroughputClientKind> Clients = [ThroughputClientKind.Plain, ThroughputClientKind.Standard, ThroughputClientKind.GenResilience];

    /// <summary>Runs every concurrency of <paramref name="settings"/> against <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="settings">The load.</param>
    /// <param name="progress">Told when each round ends, if given.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>One comparison per concurrency.</returns>
    public static async Task<IReadOnlyList<ThroughputComparison>> RunAsync(
        MinimalEndpoint endpoint, ThroughputSettings settings, TextWriter? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(settings);

        ThroughputClient[] clients = [.. Clients.Select(kind => ThroughputClient.Create(kind, endpoint.BaseAddress))];
        try
        {
            var comparisons = new List<ThroughputComparison>();
            foreach (int concurrency in settings.Concurrencies)
            {
                foreach (ThroughputClient client in clients)
                {
                    await RunRoundAsync(endpoint, client, concurrency, settings.WarmUp, 0, 0, cancellationToken).ConfigureAwait(false);
                }

                var rounds = clients.ToDictionary(c => c.Kind, _ => new List<ThroughputRound>());
                for (int round = 1; round <= settings.Rounds; round++)
                {
                    for (int position = 0; position < clients.Length; position++)
                    {
                        ThroughputClient client = clients[(round - 1 + position) % clients.Length];
                        ThroughputRound result = await RunRoundAsync(endpoint, client, concurrency, settings.RoundDuration, round, position + 1, cancellationToken).ConfigureAwait(false);
                        rounds[client.Kind].Add(result);
                    }

                    progress?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"throughput: {concurrency} in flight, round {round}/{settings.Rounds}: {string.Join(", ", clients.Select(c => $"{c.Name} {rounds[c.Kind][^1].RequestsPerSecond:N0}/s"))}"));
                }

                comparisons.Add(new ThroughputComparison(concurrency, [.. clients.Select(c => new ThroughputSeries(c.Kind, concurrency, rounds[c.Kind]))]));
            }

            return comparisons;
        }
        finally
        {
            foreach (ThroughputClient client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Keeps <paramref name="concurrency"/> requests in flight through <paramref name="client"/> for <paramref name="duration"/>.</summary>
    private static async Task<ThroughputRound> RunRoundAsync(MinimalEndpoint endpoint, ThroughputClient client, int concurrency, TimeSpan duration, int round, int position, CancellationToken cancellationToken)
    {
        double? load = LoadAverage.Read();

        // Each round starts from a collected heap, so one client's garbage is not collected in the next one's round.
        GC.Collect();
        GC.WaitForPendingFinalizers();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        TimeSpan cpuBefore = ProcessorTime();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        long connectionsBefore = endpoint.Connections;
        long start = Stopwatch.GetTimestamp();
        stop.CancelAfter(duration);

        async Task<(long Completed, long Failed)> CallerAsync()
        {
            long completed = 0;
            long failed = 0;

            // Each caller sends at least one request, however late it starts; the one in flight when the round ends is
            // not cancelled: it ends and counts.
            do
            {
                bool ok;
                try
                {
                    ok = await client.SendAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpRequestException or GenerationException or Polly.ExecutionRejectedException)
                {
                    ok = false;
                }

                if (ok)
                {
                    completed++;
                }
                else
                {
                    failed++;
                }
            }
            while (!stop.IsCancellationRequested);

            return (completed, failed);
        }

        (long Completed, long Failed)[] callers = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(CallerAsync, cancellationToken))).ConfigureAwait(false);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        TimeSpan cpu = ProcessorTime() - cpuBefore;
        long allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        return new ThroughputRound(round, position, callers.Sum(c => c.Completed), callers.Sum(c => c.Failed), elapsed, cpu, allocated, endpoint.Connections - connectionsBefore, load);
    }

    private static TimeSpan ProcessorTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
