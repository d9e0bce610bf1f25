using GenResilience.Samples.Tests.Helpers;

namespace GenResilience.Samples.Tests.Console;

[Collection("Diagnostics")]
public sealed class DiagnosticsTests
{
    [Fact]
    public async Task Diagnostics_NoKeys_ProbesEveryProviderOnItsSimulator()
    {
        SampleRun run = await SampleProcess.RunAsync("GenResilience.Samples.Diagnostics");

        SampleAssert.Ran(
            run,
            0,
            "Provider probe",
            "UseApi (simulator)",
            "account: GET /v2/account",
            "key …0002",
            "POST /api/v1/generations (dry run, multipart)",
            "UseApi  Ok: every endpoint answers as it should.",
            "Bytez   Ok: every endpoint answers as it should.",
            "Velro   Ok: every endpoint answers as it should.");
    }

    [Fact]
    public async Task Diagnostics_Outage_ShowsUseApiDownWithItsCloudflareStatus()
    {
        SampleRun run = await SampleProcess.RunAsync("GenResilience.Samples.Diagnostics", ["--outage"]);

        SampleAssert.Ran(
            run,
            0,
            "--outage:",
            "│    522 │",
            "Outage",
            "UseApi  Outage: the service, or the way to it, is down",
            "Bytez   Ok",
            "Velro   Ok");
    }
}
