namespace GenResilience.Samples.Tests.Helpers;

/// <summary>How a sample's process ended: its exit code and what it wrote.</summary>
public sealed record SampleRun(string Sample, int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    public override string ToString() => $"{Sample} exited {ExitCode} after {Elapsed.TotalSeconds:0.0}s{Environment.NewLine}--- stdout ---{Environment.NewLine}{Output}{Environment.NewLine}--- stderr ---{Environment.NewLine}{Error}";
}
