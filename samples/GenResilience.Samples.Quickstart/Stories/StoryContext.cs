using System.Globalization;
using Spectre.Console;

namespace GenResilience.Samples.Quickstart;

/// <summary>What a story plays with: the simulators, the console, a live progress display per call, and the summary.</summary>
internal sealed class StoryContext(
    IAnsiConsole console,
    SimulatedProviders simulators,
    CallRecorder recorder,
    TimeProvider time,
    StoryResults results,
    CancellationToken cancellationToken)
{
    /// <summary>The live display of the call under way; the story's own lines are written between calls, not over it.</summary>
    private ProgressContext? _progress;

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
        var log = new CallLog();
        long started = Time.GetTimestamp();
        ProviderCall<T> outcome = await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                _progress = progress;
                ProgressTask task = progress.AddTask(Markup.Escape($"{provider} {operation}"), maxValue: 100);
                task.IsIndeterminate = true;
                ProviderCall<T> ended;
                using (recorder.Begin(log))
                {
                    try
                    {
                        ended = new ProviderCall<T>(await call(task, CancellationToken), null, log);
                    }
                    catch (GenerationException e)
                    {
                        ended = new ProviderCall<T>(default, e, log);
                    }
                    finally
                    {
                        _progress = null;
                    }
                }

                task.Description = Markup.Escape($"{provider} {operation}: {(ended.Succeeded ? "done" : ended.Error.Kind.ToString())}");
                task.IsIndeterminate = false;
                task.Value = task.MaxValue;
                task.StopTask();
                return ended;
            });

        TimeSpan elapsed = Time.GetElapsedTime(started);
        string summary = outcome.Succeeded ? describe(outcome.Result, log) : $"{outcome.Error.Kind}: {outcome.Error.UserMessage}";
        results.Add(new SummaryRow(provider, operation, outcome.Succeeded, summary, log.Attempts, log.Keys, elapsed));
        return outcome;
    }

    /// <summary>
    /// Inside <see cref="CallAsync"/>: one of several concurrent calls, with a bar of its own that shows it queued,
    /// then sent (with its key), then done. Its requests count in the enclosing call's line.
    /// </summary>
    public async Task<T> PartAsync<T>(string label, Func<CancellationToken, Task<T>> call)
    {
        ProgressContext progress = _progress ?? throw new InvalidOperationException($"{nameof(PartAsync)} runs inside {nameof(CallAsync)}.");
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
