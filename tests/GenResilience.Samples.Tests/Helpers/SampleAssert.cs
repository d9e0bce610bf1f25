namespace GenResilience.Samples.Tests.Helpers;

public static class SampleAssert
{
    /// <summary>The run exited with <paramref name="exitCode"/> and wrote every line given, and none of the keys.</summary>
    public static void Ran(SampleRun run, int exitCode, params string[] lines)
    {
        Assert.True(run.ExitCode == exitCode, $"Expected exit code {exitCode}.{Environment.NewLine}{run}");
        foreach (string line in lines)
        {
            Assert.True(run.Output.Contains(line, StringComparison.Ordinal), $"Expected the output to contain \"{line}\".{Environment.NewLine}{run}");
        }

        // Keys are simulated, but a sample must print them only as fingerprints.
        foreach (string key in SimulatedKeys)
        {
            Assert.False(run.Output.Contains(key, StringComparison.Ordinal) || run.Error.Contains(key, StringComparison.Ordinal), $"The output shows the key {key}.{Environment.NewLine}{run}");
        }
    }

    private static readonly string[] SimulatedKeys =
    [
        "test-useapi-token-0001", "test-key-revoked-0001", "test-key-healthy-0002", "test-bytez-key-0001", "test-bytez-key-0002",
        "test-velro-token-0001", "test-live-bytez-key-0009",
    ];
}
