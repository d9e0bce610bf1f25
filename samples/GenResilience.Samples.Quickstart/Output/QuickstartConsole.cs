using Spectre.Console;

namespace GenResilience.Samples.Quickstart;

/// <summary>The console the quickstart writes to.</summary>
internal static class QuickstartConsole
{
    /// <summary>Written to a file or a pipe, lines are not cut at 80 columns.</summary>
    private const int RedirectedWidth = 160;

    public static IAnsiConsole Create()
    {
        IAnsiConsole console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = Math.Max(console.Profile.Width, RedirectedWidth);
        }

        return console;
    }
}
