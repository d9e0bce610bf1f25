using System.Globalization;
using System.Text;
using GenResilience.Benchmarks.RateLimit;
using GenResilience.Benchmarks.RevokedKey;
using GenResilience.Benchmarks.ScaleOut;

namespace GenResilience.Benchmarks.Reporting;

/// <summary>The scenarios' results as Markdown tables, as <c>docs/benchmarks.md</c> shows them.</summary>
public static class ResultTables
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The rate-limit table: makespan over ideal, 429s, failures and the target per client.</summary>
    /// <param name="results">The results, in order.</param>
    /// <returns>The Markdown table.</returns>
    public static string RateLimit(IReadOnlyList<RateLimitResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var table = new StringBuilder();
        table.AppendLine("| client | makespan | ideal | makespan / ideal | requests to the server | 429s (of them in the first burst) | 429s / request | failed requests | target |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (RateLimitResult r in results)
        {
            table.AppendLine(Invariant, $"| {r.Client.Name} | {Seconds(r.Load.Makespan)} | {Seconds(r.Ideal)} | {r.MakespanRatio:0.00}× | {r.ServerRequests:N0} | {r.RateLimited:N0} ({r.FirstBurstRateLimited:N0}) | {r.RateLimitedShare:0.0%} | {Failed(r.Load)} | {Verdict(r.TargetMet, r.Client.Target)} |");
        }

        return table.ToString();
    }

    /// <summary>The provider's answers per second for each client of the rate-limit scenario (200s / 429s).</summary>
    /// <param name="results">The results, in order.</param>
    /// <returns>The Markdown table.</returns>
    public static string RateLimitTimeline(IReadOnlyList<RateLimitResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var table = new StringBuilder();
        table.AppendLine("| client | answers per second since the start: 200s/429s |");
        table.AppendLine("|---|---|");
        foreach (RateLimitResult r in results)
        {
            IEnumerable<string> seconds = r.PerSecond().Select(s => string.Create(Invariant, $"{s.Ok}/{s.RateLimited}"));
            table.AppendLine(Invariant, $"| {r.Client.Name} | {string.Join(" ", seconds)} |");
        }

        return table.ToString();
    }

    /// <summary>The revoked-key table: extra requests, requests with the revoked key, key checks, failures.</summary>
    /// <param name="results">The results, in order.</param>
    /// <returns>The Markdown table.</returns>
    public static string RevokedKey(IReadOnlyList<RevokedKeyResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var table = new StringBuilder();
        table.AppendLine("| client | callers | successes | requests to the server | extra requests | of them with the revoked key | key checks (A + B) | failed requests | target: 1 request with the revoked key |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (RevokedKeyResult r in results)
        {
            string target = r.TargetMet switch
            {
                true => "met",
                false => "MISSED",
                null => "—",
            };
            table.AppendLine(Invariant, $"| {r.Client.Name} | {r.Callers} | {r.Load.Succeeded:N0} | {r.ServerRequests:N0} | {r.Extra:N0} | {r.WithRevokedKey:N0} | {r.KeyChecks:N0} | {Failed(r.Load)} | {target} |");
        }

        return table.ToString();
    }

    /// <summary>The scale-out rate-limit table: per fleet, makespan over ideal, combined 429s, failures and the target.</summary>
    /// <param name="results">The results, in order.</param>
    /// <returns>The Markdown table.</returns>
    public static string ScaleOutRateLimit(IReadOnlyList<ScaleOutResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var table = new StringBuilder();
        table.AppendLine("| fleet (4 instances, 2 keys) | makespan | ideal | makespan / ideal | requests to the server | 429s | 429s / request | failed requests | target: ≤ 1.15×, ≤ 5 % 429s |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (ScaleOutResult r in results)
        {
            table.AppendLine(Invariant, $"| {r.Variant.Name} | {Seconds(r.Makespan)} | {Seconds(r.Ideal)} | {r.MakespanRatio:0.00}× | {r.Served.Count:N0} | {r.RateLimited:N0} | {r.RateLimitedShare:0.0%} | {Failed(r.Failed, r.Failures)} | {Target(r.TargetMet)} |");
        }

        return table.ToString();
    }

    /// <summary>The provider's answers per second for each fleet of the scale-out rate-limit part (200s / 429s).</summary>
    /// <param name="results">The results, in order.</param>
    /// <returns>The Markdown table.</returns>
    public static string ScaleOutTimeline(IReadOnlyList<ScaleOutResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var table = new StringBuilder();
        table.AppendLine("| fleet | answers per second since the start: 200s/429s |");
        table.AppendLine("|---|---|");
        foreach (ScaleOutResult r in results)
        {
            if (r.Served.Count == 0)
            {
                continue;
            }

            var seconds = new (int Ok, int RateLimited)[(int)r.Served.Max(s => s.ArrivedAt).TotalSeconds + 1];
            foreach (Server.ServedRequest served in r.Served)
            {
                ref (int Ok, int RateLimited) second = ref seconds[(int)served.ArrivedAt.TotalSeconds];
                second = served.Status == 429 ? (second.Ok, second.RateLimited + 1) : (second.Ok + 1, second.RateLimited);
            }

            table.AppendLine(Invariant, $"| {r.Variant.Name} | {string.Join(" ", seconds.Select(s => string.Create(Invariant, $"{s.Ok}/{s.RateLimited}")))} |");
        }

        return table.ToString();
    }

    /// <summary>The scale-out revoked-key table: per fleet, requests with the revoked key, extra requests, failures and the target.</summary>
    /// <param name="results">The results, in order.</param>
    /// <returns>The Markdown table.</returns>
    public static string ScaleOutRevokedKey(IReadOnlyList<ScaleOutResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var table = new StringBuilder();
        table.AppendLine("| fleet (4 instances, keys [A revoked, B]) | successes | requests to the server | extra requests | of them with the revoked key | failed requests | target: 1 request with the revoked key |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (ScaleOutResult r in results)
        {
            table.AppendLine(Invariant, $"| {r.Variant.Name} | {r.Succeeded:N0} | {r.Served.Count:N0} | {r.Served.Count - r.Succeeded:N0} | {r.WithRevokedKey:N0} | {Failed(r.Failed, r.Failures)} | {Target(r.TargetMet)} |");
        }

        return table.ToString();
    }

    private static string Target(bool? met) => met switch
    {
        true => "met",
        false => "MISSED",
        null => "—",
    };

    private static string Failed(int failed, IReadOnlyDictionary<string, int> failures)
        => failed == 0
            ? "0"
            : string.Create(Invariant, $"{failed:N0} ({string.Join(", ", failures.OrderByDescending(f => f.Value).Select(f => string.Create(Invariant, $"{f.Value} {f.Key}")))})");

    private static string Seconds(TimeSpan time) => string.Create(Invariant, $"{time.TotalSeconds:0.00} s");

    private static string Failed(Clients.LoadResult load)
        => load.Failed == 0
            ? "0"
            : string.Create(Invariant, $"{load.Failed:N0} ({string.Join(", ", load.Failures.OrderByDescending(f => f.Value).Select(f => string.Create(Invariant, $"{f.Value} {f.Key}")))})");

    private static string Verdict(bool? met, RateLimitTarget target) => (met, target) switch
    {
        (true, RateLimitTarget.Adaptive) => "met (≤ 1.5×, ≤ 10 % 429s, no failure)",
        (false, RateLimitTarget.Adaptive) => "MISSED (≤ 1.5×, ≤ 10 % 429s, no failure)",
        (true, RateLimitTarget.KnownRate) => "met (≤ 1.05×, no 429)",
        (false, RateLimitTarget.KnownRate) => "MISSED (≤ 1.05×, no 429)",
        _ => "—",
    };
}
