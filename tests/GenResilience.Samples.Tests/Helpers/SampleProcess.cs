using System.Collections;
using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace GenResilience.Samples.Tests.Helpers;

/// <summary>
/// Runs a console sample as its own process (<c>dotnet &lt;sample&gt;.dll</c>, from the folder it was built to), with
/// none of the provider keys of the environment, so it plays against its simulators; bounded by a timeout.
/// </summary>
public static class SampleProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static readonly string SamplesDirectory = Metadata("SamplesDirectory");
    private static readonly string Configuration = Metadata("Configuration");

    /// <summary>Runs <paramref name="sample"/> with <paramref name="args"/>; <paramref name="environment"/> adds variables.</summary>
    public static async Task<SampleRun> RunAsync(string sample, string[]? args = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        string dll = Path.Combine(SamplesDirectory, sample, "bin", Configuration, "net10.0", sample + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is not built.");

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (string arg in args ?? [])
        {
            start.ArgumentList.Add(arg);
        }

        // Real keys on this machine must not turn a test into paid calls.
        foreach (string name in start.Environment.Keys.ToList())
        {
            if (IsProviderSetting(name))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{sample} did not start.");
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"{sample} did not exit within {Timeout.TotalSeconds:0}s.{Environment.NewLine}{await output}{Environment.NewLine}{await error}");
        }

        return new SampleRun(sample, process.ExitCode, await output, await error, clock.Elapsed);
    }

    private static bool IsProviderSetting(string name)
        => name.StartsWith("USEAPI_", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("BYTEZ_", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("GenerationClients", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Quickstart", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Simulated", StringComparison.OrdinalIgnoreCase);

    private static string Metadata(string key)
        => typeof(SampleProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
            ?? throw new InvalidOperationException($"The test assembly has no {key}.");
}
