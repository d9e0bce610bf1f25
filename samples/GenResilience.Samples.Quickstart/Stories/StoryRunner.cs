using System.Globalization;
using Spectre.Console;

namespace GenResilience.Samples.Quickstart;

/// <summary>Plays the registered stories in order, then prints the summary.</summary>
internal sealed class StoryRunner(IEnumerable<IStory> stories, IAnsiConsole console, SimulatedProviders simulators, CallRecorder recorder, TimeProvider time)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        console.Write(new Rule("[bold]GenResilience quickstart[/]").LeftJustified());
        foreach (string provider in SimulatedProviders.Names)
        {
            console.MarkupLine($"  [bold]{provider,-7}[/] {Markup.Escape(simulators.Describe(provider))}");
        }

        if (simulators.All)
        {
            console.MarkupLine("  [grey]No keys are configured, so every call goes to a simulator on loopback. Set USEAPI_API_TOKEN, " +
                "BYTEZ_API_KEY_1 or GenerationClients:Velro to call the real services.[/]");
        }

        var results = new StoryResults();
        try
        {
            foreach (IStory story in stories)
            {
                console.WriteLine();
                console.Write(new Rule($"[bold]{Markup.Escape(story.Title)}[/]").LeftJustified());
                await story.RunAsync(new StoryContext(console, simulators, recorder, time, results, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]Stopped (Ctrl+C).[/]");
            return 130;
        }

        console.WriteLine();
        console.Write(Summary(results.Rows));
        console.MarkupLine("  [grey]attempts: generation requests sent (creates and runs, retries included); reads such as polls, key checks " +
            "and model lists are not counted. keys: each key a call used, by fingerprint, with the status that rejected it.[/]");

        if (results.Deviations.Count > 0)
        {
            console.MarkupLine($"[red]{results.Deviations.Count} call(s) did not go as the story tells:[/]");
            foreach (string deviation in results.Deviations)
            {
                console.MarkupLine("  - " + Markup.Escape(deviation));
            }

            return 1;
        }

        console.MarkupLine(simulators.All
            ? "[green]Every story went as told.[/]"
            : "[green]Done.[/] Calls to the real services end as the services answer; the table shows how.");
        return 0;
    }

    private static Table Summary(IEnumerable<SummaryRow> rows)
    {
        var table = new Table { Title = new TableTitle("[bold]Summary[/]") }
            .AddColumn("provider")
            .AddColumn("operation")
            .AddColumn("outcome")
            .AddColumn(new TableColumn("attempts").RightAligned())
            .AddColumn("keys used")
            .AddColumn(new TableColumn("time").RightAligned());
        foreach (SummaryRow row in rows)
        {
            table.AddRow(
                Markup.Escape(row.Provider),
                Markup.Escape(row.Operation),
                (row.Succeeded ? "[green]ok[/] " : "[yellow]failed[/] ") + Markup.Escape(row.Outcome),
                row.Attempts.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(row.Keys),
                StoryContext.Seconds(row.Time));
        }

        return table;
    }
}
