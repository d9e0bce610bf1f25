using System.Diagnostics;
using System.Globalization;
using System.Text;
using GenResilience.Benchmarks.Clients;
using GenResilience.Benchmarks.RateLimit;

namespace GenResilience.Benchmarks;

/// <summary>
/// Writes each client's attempts of the rate-limit scenario as CSV (milliseconds from the first send), for reading
/// a missed target: when the 429s came, what was sent after each cooldown, how fast.
/// </summary>
internal static class AttemptTraces
{
    public static async Task WriteAsync(string folder, IReadOnlyList<RateLimitResult> results)
    {
        for (int i = 0; i < results.Count; i++)
        {
            IReadOnlyList<Attempt> attempts = results[i].Attempts;
            if (attempts.Count == 0)
            {
                continue;
            }

            long start = attempts.Min(a => a.SentAt);
            var csv = new StringBuilder("sent_ms,answered_ms,key,status\n");
            foreach (Attempt a in attempts.OrderBy(a => a.SentAt))
            {
                csv.AppendLine(CultureInfo.InvariantCulture, $"{Milliseconds(a.SentAt - start):0.0},{Milliseconds(a.AnsweredAt - start):0.0},{a.Key},{a.Status}");
            }

            string file = Path.Combine(folder, $"rate-limit-{i + 1}-attempts.csv");
            await File.WriteAllTextAsync(file, $"# {results[i].Client.Name}\n{csv}").ConfigureAwait(false);
        }
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
