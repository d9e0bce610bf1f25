// The table a support engineer builds by hand when "everything returns 522": every configured provider probed
// endpoint by endpoint (status, latency, verdict), in one table. Providers without keys are probed on their simulators;
// --outage makes UseAPI's simulator play a Cloudflare 522 outage, so the table shows what one looks like.
//
//   dotnet run --project samples/GenResilience.Samples.Diagnostics
//   dotnet run --project samples/GenResilience.Samples.Diagnostics -- --outage
using System.Globalization;
using GenResilience;
using GenResilience.Samples;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
using SimulatedProviders simulators = SimulatedProviders.Start(builder.Configuration);
builder.Services.AddGenerationClients();
using IHost host = builder.Build();

IAnsiConsole console = AnsiConsole.Console;
if (Console.IsOutputRedirected)
{
    console.Profile.Width = Math.Max(console.Profile.Width, 160);
}

if (args.Contains("--outage"))
{
    if (simulators.UseApi is not { } useApiSimulator)
    {
        console.MarkupLine("[red]--outage plays the outage on UseAPI's simulator, and UseAPI is configured for the real service.[/]");
        return 2;
    }

    // As in the real outage: Cloudflare answers 522 for everything but the asset listing, which is served elsewhere.
    useApiSimulator.StartOutage(522, except: ["/v1/ltxstudio/assets"]);
    console.MarkupLine("[yellow]--outage:[/] UseAPI's simulator answers Cloudflare 522 pages (origin unreachable) on every endpoint but the assets.");
}

// Every probe is one attempt per endpoint, no retries, 20 s at most each: it reports what the service says now.
var probes = new (string Provider, Func<CancellationToken, Task<ProviderProbeResult>> Probe)[]
{
    ("UseApi", host.Services.GetRequiredService<IUseApiClient>().ProbeAsync),
    ("Bytez", host.Services.GetRequiredService<IBytezClient>().ProbeAsync),
    ("Velro", host.Services.GetRequiredService<IVelroClient>().ProbeAsync),
};
ProviderProbeResult[] results = await console.Status().StartAsync(
    "Probing " + string.Join(", ", probes.Select(p => p.Provider)) + "...",
    _ => Task.WhenAll(probes.Select(p => p.Probe(CancellationToken.None))));

var table = new Table { Title = new TableTitle("[bold]Provider probe[/]") }
    .AddColumn("provider")
    .AddColumn("endpoint")
    .AddColumn(new TableColumn("status").RightAligned())
    .AddColumn(new TableColumn("latency").RightAligned())
    .AddColumn("verdict")
    .AddColumn("detail");
foreach (ProviderProbeResult result in results)
{
    string where = simulators.IsSimulated(result.Provider) ? " [grey](simulator)[/]" : string.Empty;
    for (int i = 0; i < result.Rows.Count; i++)
    {
        ProviderProbeRow row = result.Rows[i];
        table.AddRow(
            i == 0 ? $"[bold]{Markup.Escape(result.Provider)}[/]{where}" : string.Empty,
            Markup.Escape(row.Endpoint),
            row.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "no answer",
            row.Latency.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms",
            Verdict(row.Verdict),
            Markup.Escape(row.Detail ?? string.Empty));
    }

    if (result != results[^1])
    {
        table.AddEmptyRow();
    }
}

console.Write(table);
foreach (ProviderProbeResult result in results)
{
    console.MarkupLine($"[bold]{Markup.Escape(result.Provider),-7}[/] {Verdict(result.Verdict)}: {Markup.Escape(Meaning(result))}");
}

return 0;

static string Verdict(ProbeVerdict verdict) => verdict switch
{
    ProbeVerdict.Ok => "[green]Ok[/]",
    ProbeVerdict.Outage => "[red]Outage[/]",
    ProbeVerdict.AuthProblem => "[yellow]AuthProblem[/]",
    _ => "[yellow]Misconfigured[/]",
};

static string Meaning(ProviderProbeResult result) => result.Verdict switch
{
    ProbeVerdict.Ok => "every endpoint answers as it should.",
    ProbeVerdict.Outage => "the service, or the way to it, is down (5xx, Cloudflare 522/523, no answer). Not your keys, not your request: " +
        "calls are retried on the schedule; wait it out, and check the provider's status page.",
    ProbeVerdict.AuthProblem => "a key or token is refused (401/403): replace the ones the rows name, by fingerprint.",
    _ => $"a wrong address or path, or something in the way (400/404/405/422): check GenerationClients:{result.Provider}:BaseAddress and its paths.",
};
