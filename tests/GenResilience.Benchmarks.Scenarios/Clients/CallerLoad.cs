using System.Collections.Concurrent;

namespace GenResilience.Benchmarks.Clients;

/// <summary>
/// A fixed number of requests sent by a fixed number of concurrent callers, each taking the next request as soon as
/// its last one ended; the makespan is measured on <see cref="TimeProvider.System"/> from the first send to the last end.
/// </summary>
public static class CallerLoad
{
    /// <summary>Sends <paramref name="requests"/> generation requests through <paramref name="client"/> from <paramref name="callers"/> callers.</summary>
    /// <param name="client">The client under test.</param>
    /// <param name="requests">How many requests in all.</param>
    /// <param name="callers">How many callers send at once.</param>
    /// <param name="cancellationToken">Ends the load early (a bound on the real clock, so a run always stops).</param>
    /// <returns>What the callers saw.</returns>
    public static async Task<LoadResult> RunAsync(BenchmarkClient client, int requests, int callers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThan(requests, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(callers, 1);

        int next = -1;
        int succeeded = 0;
        int failed = 0;
        var failures = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);

        async Task CallerAsync()
        {
            while (Interlocked.Increment(ref next) < requests)
            {
                string? failure;
                try
                {
                    failure = await client.GenerateAsync(cancellationToken).ConfigureAwait(false) ? null : "ended with a status other than 200";
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = e is GenerationException generation ? $"{e.GetType().Name} ({generation.Kind})" : e.GetType().Name;
                }

                if (failure is null)
                {
                    Interlocked.Increment(ref succeeded);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                    failures.AddOrUpdate(failure, 1, static (_, count) => count + 1);
                }
            }
        }

        long start = TimeProvider.System.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(CallerAsync, cancellationToken))).ConfigureAwait(false);
        TimeSpan makespan = TimeProvider.System.GetElapsedTime(start);

        return new LoadResult(makespan, succeeded, failed, failures.ToDictionary(StringComparer.Ordinal));
    }
}
