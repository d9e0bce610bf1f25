using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace GenResilience.Benchmarks;

/// <summary>The overhead benchmark's summary as one Markdown table with both ratios and the targets of issue 5.</summary>
internal static class OverheadReport
{
    /// <summary>The most our pipeline may allocate beyond a plain client, per request.</summary>
    private const long AllocationBudget = 1024;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Table(Summary summary)
    {
        var rows = summary.Reports
            .Where(r => r.ResultStatistics is not null)
            .Select(r => new Row(
                r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''),
                r.ResultStatistics!.Mean,
                r.ResultStatistics.ConfidenceInterval.Margin,
                r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? 0))
            .ToList();
        Row? plain = rows.Find(r => r.Method == nameof(OverheadBenchmarks.Plain));
        Row? standard = rows.Find(r => r.Method == nameof(OverheadBenchmarks.Standard));
        if (plain is null || standard is null)
        {
            return "The overhead benchmark produced no result for the plain or the standard client; see BenchmarkDotNet's log above.\n";
        }

        var table = new StringBuilder();
        table.AppendLine("| client | mean | ± (99.9 % CI) | time / plain | time / standard | allocated | allocated − plain | target: time ≤ standard's | target: allocated ≤ plain + 1 KB |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (Row r in rows)
        {
            bool ours = r.Method.StartsWith("GenResilience", StringComparison.Ordinal);
            string timeTarget = !ours ? "—" : r.Mean <= standard.Mean ? "met" : "MISSED";
            string allocationTarget = !ours ? "—" : r.Allocated <= plain.Allocated + AllocationBudget ? "met" : "MISSED";
            table.AppendLine(Invariant, $"| {r.Name} | {Time(r.Mean)} | {Time(r.Margin)} | {r.Mean / plain.Mean:0.00}× | {r.Mean / standard.Mean:0.00}× | {r.Allocated:N0} B | {r.Allocated - plain.Allocated:+#,0;-#,0;0} B | {timeTarget} | {allocationTarget} |");
        }

        return table.ToString();
    }

    private static string Time(double nanoseconds) => nanoseconds >= 1000
        ? string.Create(Invariant, $"{nanoseconds / 1000:0.00} µs")
        : string.Create(Invariant, $"{nanoseconds:0} ns");

    private sealed record Row(string Method, string Name, double Mean, double Margin, long Allocated);
}
