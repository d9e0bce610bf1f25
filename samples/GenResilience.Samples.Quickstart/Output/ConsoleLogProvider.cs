using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace GenResilience.Samples.Quickstart;

/// <summary>
/// Writes the app's log lines (GenResilience's retries, key rotations, fallbacks) between the story's own lines, above
/// the live progress. Which lines are written is set by <c>Logging:LogLevel</c> in appsettings.json.
/// </summary>
internal sealed class ConsoleLogProvider(IAnsiConsole console) : ILoggerProvider
{
    private readonly object _gate = new();

    public ILogger CreateLogger(string categoryName) => new ConsoleLog(this);

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string message)
    {
        (string label, string style) = level switch
        {
            LogLevel.Warning => ("warn", "yellow"),
            LogLevel.Error or LogLevel.Critical => ("fail", "red"),
            _ => ("info", "grey"),
        };

        // Above a live progress display, a line the terminal wraps can leave a stray piece of the display behind: keep
        // each log line on one line there. Written to a file, the whole message is kept.
        int room = console.Profile.Width - 10;
        if (console.Profile.Capabilities.Interactive && message.Length > room && room > 20)
        {
            message = message[..(room - 1)] + "…";
        }

        lock (_gate)
        {
            console.MarkupLine($"    [{style}]{label}[/] [grey]{Markup.Escape(message)}[/]");
        }
    }

    private sealed class ConsoleLog(ConsoleLogProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, formatter(state, exception));
            }
        }
    }
}
