using System.Globalization;
using System.Text;
using GenResilience.Benchmarks.Outage;
using GenResilience.Benchmarks.RateLimit;
using GenResilience.Benchmarks.RevokedKey;
using GenResilience.Benchmarks.ScaleOut;
using GenResilience.Benchmarks.Throughput;
using GenResilience.Benchmarks.Upload;

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

    /// <summary>The throughput table: per concurrency and client, the median requests per second and the ratios.</summary>
    /// <param name="comparisons">One comparison per concurrency.</param>
    /// <returns>The Markdown table.</returns>
    public static string Throughput(IReadOnlyList<ThroughputComparison> comparisons)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        var table = new StringBuilder();
        table.AppendLine("| in flight | client | requests/s (median) | min-max | / plain (median of per-round ratios) | / plain (ratio of medians) | / standard (median of per-round ratios) | CPU per request (process) | plain's CPU per request / this one's | allocated per request (process) | connections opened in the rounds | failed | target: ≥ 0.95 × plain |");
        table.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (ThroughputComparison c in comparisons)
        {
            foreach (ThroughputSeries s in c.Series)
            {
                string target = s.Kind == ThroughputClientKind.GenResilience
                    ? string.Create(Invariant, $"{(c.TargetMet ? "met" : "MISSED")} ({c.MedianPairedRatio(s.Kind, ThroughputClientKind.Plain):0.000})")
                    : "—";
                table.AppendLine(Invariant,
                    $"| {c.Concurrency} | {s.Name} | {s.MedianRequestsPerSecond:N0} | {s.Rounds.Min(r => r.RequestsPerSecond):N0}-{s.Rounds.Max(r => r.RequestsPerSecond):N0} | {c.MedianPairedRatio(s.Kind, ThroughputClientKind.Plain):0.000} | {c.RatioOfMedians(s.Kind, ThroughputClientKind.Plain):0.000} | {c.MedianPairedRatio(s.Kind, ThroughputClientKind.Standard):0.000} | {s.MedianProcessorMicroseconds:0.0} µs | {c.ProcessorRatio(s.Kind, ThroughputClientKind.Plain):0.000} | {s.MedianAllocatedPerRequest:N0} B | {s.ConnectionsOpened:N0} | {s.Failed:N0} | {target} |");
            }
        }

        return table.ToString();
    }

    /// <summary>Every round of the throughput scenario: the load average and each client's requests per second.</summary>
    /// <param name="comparisons">One comparison per concurrency.</param>
    /// <returns>The Markdown table.</returns>
    public static string ThroughputRounds(IReadOnlyList<ThroughputComparison> comparisons)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        var table = new StringBuilder();
        table.AppendLine("| in flight | round | order | load average (1 min) | plain | standard | GenResilience | GenResilience / plain |");
        table.AppendLine("|---:|---:|---|---:|---:|---:|---:|---:|");
        foreach (ThroughputComparison c in comparisons)
        {
            ThroughputSeries plain = c.Of(ThroughputClientKind.Plain);
            ThroughputSeries standard = c.Of(ThroughputClientKind.Standard);
            ThroughputSeries ours = c.Of(ThroughputClientKind.GenResilience);
            for (int i = 0; i < plain.Rounds.Count; i++)
            {
                string order = string.Join(", ", c.Series.OrderBy(s => s.Rounds[i].Position).Select(s => s.Kind switch
                {
                    ThroughputClientKind.Plain => "plain",
                    ThroughputClientKind.Standard => "standard",
                    _ => "ours",
                }));
                double? load = c.Series.Select(s => s.Rounds[i]).OrderBy(r => r.Position).First().LoadAverage;
                table.AppendLine(Invariant,
                    $"| {c.Concurrency} | {plain.Rounds[i].Round} | {order} | {(load is { } l ? l.ToString("0.00", Invariant) : "?")} | {plain.Rounds[i].RequestsPerSecond:N0} | {standard.Rounds[i].RequestsPerSecond:N0} | {ours.Rounds[i].RequestsPerSecond:N0} | {ours.Rounds[i].RequestsPerSecond / plain.Rounds[i].RequestsPerSecond:0.000} |");
            }
        }

        return table.ToString();
    }

    /// <summary>The upload table: per client, the attempts, the bytes the server read in each, and the memory.</summary>
    /// <param name="results">The results, in order.</param>
    /// <param name="settings">The scenario.</param>
    /// <returns>The Markdown table.</returns>
    public static string Upload(IReadOnlyList<UploadResult> results, UploadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(settings);
        var table = new StringBuilder();
        table.AppendLine("| client | file | attempts: statuses | file bytes the server read, per attempt | body bytes per attempt | outcome | time | working set at idle | peak working set above idle: high-water mark (sampled) | managed heap: peak above idle | allocated during the upload | samples | target: < 64 MB above idle, the whole file in each attempt |");
        table.AppendLine("|---|---:|---|---|---|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (UploadResult r in results)
        {
            string statuses = string.Join(", ", r.Served.Select(s => s.Status.ToString(Invariant)));
            string files = string.Join(", ", r.Served.Select(s => s.FileBytes.ToString("N0", Invariant)));
            string bodies = string.Join(", ", r.Served.Select(s => s.BodyBytes.ToString("N0", Invariant)));
            string target = r.TargetMet(settings.FailuresBeforeSuccess + 1) switch
            {
                true => "met",
                false => "MISSED",
                null => "— (control)",
            };
            table.AppendLine(Invariant,
                $"| {r.Name} | {Megabytes(r.FileBytes)} | {r.Served.Count}: {statuses} | {files} | {bodies} | {(r.Succeeded ? "success" : "FAILED: " + r.Error)} | {Seconds(r.Elapsed)} | {Megabytes(r.Memory.IdleWorkingSet)} | {(r.Memory.HighWaterMarkKnown ? Megabytes(r.Memory.WorkingSetAboveIdle) : "?")} ({Megabytes(r.Memory.SampledWorkingSetAboveIdle)}) | {Megabytes(r.Memory.ManagedHeapAboveIdle)} | {Megabytes(r.Memory.AllocatedBytes)} | {r.Memory.Samples:N0} | {target} |");
        }

        return table.ToString();
    }

    /// <summary>The outage table: per arrival pattern, the requests the failing server got, the failures and the recovery.</summary>
    /// <param name="results">The results, in order.</param>
    /// <returns>The Markdown table.</returns>
    public static string Outage(IReadOnlyList<OutageResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var table = new StringBuilder();
        table.AppendLine("| arrivals | requests to the failing server (of them key checks) | attempts per request during the outage: mean / max (schedule: at most) | requests after recovery | failed / the schedule implies | recovery → last success / the schedule implies | bound: longest delay | largest deviation from the schedule | forced clock moves | within the schedule's bounds |");
        table.AppendLine("|---|---:|---|---:|---|---|---:|---:|---:|---|");
        foreach (OutageResult r in results)
        {
            IReadOnlyList<int> perRequest = r.AttemptsDuringOutage;
            string failures = r.Failed == 0
                ? "0"
                : string.Create(Invariant, $"{r.Failed} ({string.Join(", ", r.Requests.Where(q => q.FailedWith is not null).GroupBy(q => q.FailedWith).Select(g => g.Key.ToString()))})");
            table.AppendLine(Invariant,
                $"| {r.Arrivals.Name} | {r.SentDuringOutage:N0} ({r.KeyChecksDuringOutage}) | {perRequest.Average():0.00} / {perRequest.Max()} ({r.MaxAttemptsPerRequest}) | {r.SentAfterRecovery:N0} | {failures} / {r.FailuresTheScheduleImplies} | {OptionalSeconds(r.RecoveryToLastSuccess)} / {OptionalSeconds(r.RecoveryToLastSuccessTheScheduleImplies)} | {Seconds(r.Bound)} | {r.LargestScheduleDeviation.TotalMilliseconds:0} ms | {r.ForcedAdvances} | {(r.TargetMet ? "yes" : "NO")} |");
        }

        return table.ToString();
    }

    private static string OptionalSeconds(TimeSpan? time) => time is { } t ? Seconds(t) : "none";

    private static string Megabytes(long bytes) => string.Create(Invariant, $"{bytes / (1024.0 * 1024):0.0} MB");

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
