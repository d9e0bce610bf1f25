using System.Globalization;
using Spectre.Console;

namespace GenResilience.Samples.Quickstart;

/// <summary>What a story plays with: the simulators, the console, a progress bar per call, and the summary.</summary>
internal sealed class StoryContext(
    IAnsiConsole console,
    ProgressContext progress,
    SimulatedProviders simulators,
    CallRecorder recorder,
    TimeProvider time,
    StoryResults results,
    CancellationToken cancellationToken)
{
    /// <summary>Gets the simulators of the providers that have no keys; <see langword="null"/> for a provider called for real.</summary>
    public SimulatedProviders Simulators { get; } = simulators;

    public TimeProvider Time { get; } = time;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Tells what happens next or what just happened (markup: <c>[bold]...[/]</c>).</summary>
    public void Say(string markup) => console.MarkupLine("  " + markup);

    /// <summary>Writes a developer's detail (an exception's <c>Message</c>), as it is.</summary>
    public void Note(string text) => console.MarkupLine("    [grey]" + Markup.Escape(text) + "[/]");

    /// <summary>
    /// Makes one call through a provider client with a progress bar, records its requests, and adds a line to the
    /// summary. A <see cref="GenerationException"/> is an outcome, not an error of the story: it is returned.
    /// </summary>
    public async Task<ProviderCall<T>> CallAsync<T>(
        string provider,
        string operation,
        Func<ProgressTask, CancellationToken, Task<T>> call,
        Func<T, CallLog, string> describe)
    {
        ProgressTask task = progress.AddTask(Markup.Escape($"{provider} {operation}"), maxValue: 100);
        task.IsIndeterminate = true;
        var log = new CallLog();
        long started = Time.GetTimestamp();
        ProviderCall<T> outcome;
        using (recorder.Begin(log))
        {
            try
            {
                outcome = new ProviderCall<T>(await call(task, CancellationToken), null, log);
            }
            catch (GenerationException e)
            {
                outcome = new ProviderCall<T>(default, e, log);
            }
        }

        TimeSpan elapsed = Time.GetElapsedTime(started);
        string summary = outcome.Succeeded ? describe(outcome.Result, log) : $"{outcome.Error.Kind}: {outcome.Error.UserMessage}";
        task.Description = Markup.Escape($"{provider} {operation}: {(outcome.Succeeded ? "done" : outcome.Error.Kind.ToString())}");
        task.IsIndeterminate = false;
        task.Value = task.MaxValue;
        task.StopTask();
        results.Add(new SummaryRow(provider, operation, outcome.Succeeded, summary, log.Attempts, log.Keys, elapsed));
        return outcome;
    }

    /// <summary>
    /// Inside <see cref="CallAsync"/>: one of several concurrent calls, with a bar of its own that shows it queued,
    /// then sent (with its key), then done. Its requests count in the enclosing call's line.
    /// </summary>
    public async Task<T> PartAsync<T>(string label, Func<CancellationToken, Task<T>> call)
    {
        ProgressTask task = progress.AddTask(Markup.Escape($"  {label}: queued"), maxValue: 100);
        task.IsIndeterminate = true;
        var log = new CallLog(recorder.Current)
        {
            Sending = request =>
            {
                if (request.IsAttempt)
                {
                    task.Description = Markup.Escape($"  {label}: running, key {request.Key ?? "none"}");
                }
            },
        };

        try
        {
            using (recorder.Begin(log))
            {
                return await call(CancellationToken);
            }
        }
        finally
        {
            task.Description = Markup.Escape($"  {label}: done");
            task.IsIndeterminate = false;
            task.Value = task.MaxValue;
            task.StopTask();
        }
    }

    /// <summary>On a simulated provider, the story knows how each call must end; a call that did not is reported, and the quickstart exits 1.</summary>
    public void Expect(bool condition, string what)
    {
        if (!condition)
        {
            results.Deviate(what);
            console.MarkupLine("  [red]not as expected:[/] " + Markup.Escape(what));
        }
    }

    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + "s";

    public static string Delays(IEnumerable<TimeSpan> delays) => string.Join(", ", delays.Select(d => d < TimeSpan.FromSeconds(1)
        ? d.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms"
        : d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s"));
}
