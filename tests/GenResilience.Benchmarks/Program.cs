using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using GenResilience.Benchmarks;
using GenResilience.Benchmarks.Outage;
using GenResilience.Benchmarks.RateLimit;
using GenResilience.Benchmarks.Reporting;
using GenResilience.Benchmarks.RevokedKey;
using GenResilience.Benchmarks.ScaleOut;
using GenResilience.Benchmarks.Server;
using GenResilience.Benchmarks.Throughput;
using GenResilience.Benchmarks.Upload;

// dotnet run -c Release --project tests/GenResilience.Benchmarks -- <all | overhead | rate-limit | revoked-key | scale-out | throughput | upload | outage> [--quick]
//                                                                  interleaved [rounds requests-per-round]
//                                                                  profile <client> [seconds]
//                                                                  profile-throughput <client> [in-flight seconds]
string[] commands = ["all", "overhead", "rate-limit", "revoked-key", "scale-out", "throughput", "upload", "outage"];
if (args.Length is 2 or 3 && args[0] == "profile")
{
    return await ProfileLoop.RunAsync(args[1], args.Length == 3 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 15);
}

if (args.Length is 2 or 4 && args[0] == "profile-throughput")
{
    return await ThroughputProfileLoop.RunAsync(
        args[1],
        args.Length == 4 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 32,
        args.Length == 4 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 15);
}

if (args.Length is 1 or 3 && args[0] == "interleaved")
{
    int rounds = args.Length == 3 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 25;
    int perRound = args.Length == 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
    string interleaved = Machine(quick: false) + Environment.NewLine + "## Overhead, interleaved" + Environment.NewLine + Environment.NewLine + await InterleavedComparison.RunAsync(rounds, perRound);
    Directory.CreateDirectory(Path.Combine("BenchmarkDotNet.Artifacts", "results"));
    await File.WriteAllTextAsync(Path.Combine("BenchmarkDotNet.Artifacts", "results", "genresilience-interleaved.md"), interleaved);
    Console.WriteLine(interleaved);
    return 0;
}

bool quick = args.Contains("--quick");
string[] rest = [.. args.Where(a => a != "--quick")];
if (rest.Length != 1 || !commands.Contains(rest[0]))
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/GenResilience.Benchmarks -- <all | overhead | rate-limit | revoked-key | scale-out | throughput | upload | outage> [--quick]");
    Console.Error.WriteLine("  overhead     BenchmarkDotNet: one in-memory request through a plain client, the standard handler and ours");
    Console.Error.WriteLine("  rate-limit   600 requests, 64 callers, a loopback provider admitting 100 requests/s per key");
    Console.Error.WriteLine("  revoked-key  1,000 requests with keys [A, B], A revoked, 1 and 32 callers");
    Console.Error.WriteLine("  scale-out    four app instances, two keys at 100 requests/s each, key state in memory or in Redis");
    Console.Error.WriteLine("               (GENRESILIENCE_BENCH_REDIS=host:port, else a redis-server from PATH on a free port)");
    Console.Error.WriteLine("  throughput   requests/s at 32 and 128 in flight on loopback: plain, the standard handler and ours, in alternating rounds");
    Console.Error.WriteLine("  upload       a 256 MB file uploaded through UseAPI's upload and a bare multipart client, two 503s first: peak memory");
    Console.Error.WriteLine("               (with all, it runs in a process of its own)");
    Console.Error.WriteLine("  outage       100 UseAPI creates during a 60 s 522 outage, in simulated time: requests sent, failures, recovery");
    Console.Error.WriteLine("  --quick      fewer iterations and requests, for a quick look (figures not for publishing)");
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/GenResilience.Benchmarks -- interleaved [rounds requests-per-round]");
    Console.Error.WriteLine("  interleaved  the overhead clients in one process, round after round, by thread CPU time: steadier on a shared machine");
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/GenResilience.Benchmarks -- profile <client> [seconds]");
    Console.Error.WriteLine($"  profile      sends requests through one overhead client for a while, to run under a profiler; clients: {string.Join(", ", Enum.GetNames<GenResilience.Benchmarks.Overhead.OverheadClient>())}");
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/GenResilience.Benchmarks -- profile-throughput <client> [in-flight seconds]");
    Console.Error.WriteLine($"  profile-throughput  the throughput scenario's load through one client on loopback (default 32 in flight, 15 s), to run under a profiler; clients: {string.Join(", ", Enum.GetNames<ThroughputClientKind>())}");
    return 2;
}

string command = rest[0];

// Beside BenchmarkDotNet's own results (gitignored).
string resultsFolder = Path.Combine("BenchmarkDotNet.Artifacts", "results");
Directory.CreateDirectory(resultsFolder);
bool all = command == "all";
var report = new StringBuilder();
report.AppendLine(Machine(quick));

if (all || command == "overhead")
{
    Job job = (quick ? Job.ShortRun : Job.Default).WithId(quick ? "quick" : "default");
    IConfig config = DefaultConfig.Instance.AddJob(job).AddDiagnoser(MemoryDiagnoser.Default);
    Summary summary = BenchmarkRunner.Run<OverheadBenchmarks>(config);
    report.AppendLine("## Overhead (BenchmarkDotNet, one in-memory request)").AppendLine().AppendLine(OverheadReport.Table(summary));
}

if (all || command is "rate-limit" or "revoked-key" or "scale-out")
{
    await using LoopbackProvider provider = await LoopbackProvider.StartAsync();
    if (all || command == "rate-limit")
    {
        RateLimitSettings settings = quick ? RateLimitSettings.Quick : RateLimitSettings.Full;
        IReadOnlyList<RateLimitResult> results = await RateLimitScenario.RunAsync(provider, settings, Console.Out);
        report.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
            $"## Rate-limit makespan ({settings.Requests} requests, {settings.Callers} callers, {settings.ProviderRequestsPerSecondPerKey} requests/s per key, bucket {settings.ProviderBucketCapacity}, Retry-After: {settings.RetryAfterSeconds})");
        report.AppendLine().AppendLine(ResultTables.RateLimit(results)).AppendLine(ResultTables.RateLimitTimeline(results));
        await AttemptTraces.WriteAsync(resultsFolder, results);
    }

    if (all || command == "revoked-key")
    {
        RevokedKeySettings settings = quick ? RevokedKeySettings.Quick : RevokedKeySettings.Full;
        IReadOnlyList<RevokedKeyResult> results = await RevokedKeyScenario.RunAsync(provider, settings, Console.Out);
        report.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"## Revoked key ({settings.Requests} requests, keys [A, B], A revoked)");
        report.AppendLine().AppendLine(ResultTables.RevokedKey(results));
    }

    if (all || command == "scale-out")
    {
        ScaleOutSettings settings = quick ? ScaleOutSettings.Quick : ScaleOutSettings.Full;
        using BenchmarkRedis redis = BenchmarkRedis.Start();
        (IReadOnlyList<ScaleOutResult> rateLimit, IReadOnlyList<ScaleOutResult> revoked) = await ScaleOutScenario.RunAsync(provider, settings, redis.Configuration, Console.Out);
        report.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
            $"## Scale-out ({settings.Instances} instances × {settings.CallersPerInstance} callers, {settings.Requests} requests, 2 keys at {settings.ProviderRequestsPerSecondPerKey} requests/s each, bucket {settings.ProviderBucketCapacity}, Retry-After: {settings.RetryAfterSeconds}; Redis {redis.Description})");
        report.AppendLine().AppendLine(ResultTables.ScaleOutRateLimit(rateLimit)).AppendLine(ResultTables.ScaleOutTimeline(rateLimit));
        report.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"### Revoked key ({settings.RevokedKeyRequests} requests, keys [A, B], A revoked)");
        report.AppendLine().AppendLine(ResultTables.ScaleOutRevokedKey(revoked));
    }
}

if (all || command == "throughput")
{
    ThroughputSettings settings = quick ? ThroughputSettings.Quick : ThroughputSettings.Full;
    await using MinimalEndpoint endpoint = await MinimalEndpoint.StartAsync(ThroughputClient.Keys);
    double? loadBefore = LoadAverage.Read();
    IReadOnlyList<ThroughputComparison> results = await ThroughputScenario.RunAsync(endpoint, settings, Console.Out);
    double?[] loads = [loadBefore, .. results.SelectMany(c => c.Series).SelectMany(s => s.Rounds).Select(r => r.LoadAverage), LoadAverage.Read()];
    report.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
        $"## Throughput ({string.Join(" and ", settings.Concurrencies)} in flight, {settings.Rounds} rounds of {settings.RoundDuration.TotalSeconds:0.#} s per client, load average {LoadAverage.Range(loads)}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC)");
    report.AppendLine().AppendLine(ResultTables.Throughput(results)).AppendLine(ResultTables.ThroughputRounds(results));
}

if (all || command == "outage")
{
    OutageSettings settings = quick ? OutageSettings.Quick : OutageSettings.Full;
    double? loadBefore = LoadAverage.Read();
    IReadOnlyList<OutageResult> results = await OutageScenario.RunAsync(settings, Console.Out);
    report.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
        $"## Outage recovery ({settings.Requests} UseAPI creates per run, a {settings.Outage.TotalSeconds:0} s {settings.StatusCode} outage, simulated time; load average {LoadAverage.Range([loadBefore, LoadAverage.Read()])})");
    report.AppendLine().AppendLine(ResultTables.Outage(results));
}

if (command == "upload")
{
    UploadSettings settings = quick ? UploadSettings.Quick : UploadSettings.Full;
    double? loadBefore = LoadAverage.Read();
    IReadOnlyList<UploadResult> results = await UploadScenario.RunAsync(settings, Console.Out);
    report.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
        $"## Upload memory ({settings.FileBytes / (1024 * 1024)} MB file, {settings.FailuresBeforeSuccess} × 503 then 200, retry delays {settings.RetryDelay.TotalMilliseconds:0} ms, a sample every {settings.SampleInterval.TotalMilliseconds:0} ms; load average {LoadAverage.Range([loadBefore, LoadAverage.Read()])}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC)");
    report.AppendLine().AppendLine(ResultTables.Upload(results, settings));
}
else if (all)
{
    // In a process of its own: the other scenarios' heap and threads would be part of the working set measured.
    report.AppendLine(await RunUploadInOwnProcessAsync(resultsFolder, quick));
}

string file = Path.Combine(resultsFolder, $"genresilience-{command}{(quick ? "-quick" : "")}.md");
await File.WriteAllTextAsync(file, report.ToString());
Console.WriteLine();
Console.WriteLine(report);
Console.WriteLine($"Written to {Path.GetFullPath(file)}");
return 0;

static async Task<string> RunUploadInOwnProcessAsync(string resultsFolder, bool quick)
{
    string self = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark cannot find its own executable.");
    var start = new ProcessStartInfo(self) { UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(self) == "dotnet")
    {
        start.ArgumentList.Add(typeof(OverheadReport).Assembly.Location);
    }

    start.ArgumentList.Add("upload");
    if (quick)
    {
        start.ArgumentList.Add("--quick");
    }

    using Process child = Process.Start(start) ?? throw new InvalidOperationException("The upload benchmark's process did not start.");
    await child.WaitForExitAsync();
    string written = Path.Combine(resultsFolder, $"genresilience-upload{(quick ? "-quick" : "")}.md");
    if (child.ExitCode != 0 || !File.Exists(written))
    {
        return $"## Upload memory\n\nThe upload benchmark's process failed (exit code {child.ExitCode}).\n";
    }

    string text = await File.ReadAllTextAsync(written);
    int section = text.IndexOf("## ", StringComparison.Ordinal);
    return section < 0 ? text : text[section..];
}

static string Machine(bool quick)
    => $"""
        # GenResilience benchmarks{(quick ? " (--quick: not for publishing)" : "")}

        - date: {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC
        - machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}
        - runtime: {RuntimeInformation.FrameworkDescription}
        - load average (1 min) at the start: {LoadAverage.Read()?.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}

        """;
