using Spectre.Console;

namespace GenResilience.Samples.Quickstart;

/// <summary>Shows a job's progress (as the client polls it) on its progress bar, as it is reported.</summary>
internal sealed class TaskProgress(ProgressTask task, string label) : IProgress<GenerationProgress>
{
    public void Report(GenerationProgress value)
    {
        task.Description = Markup.Escape($"{label}: {value.Status}");
        if (value.Percent is { } percent)
        {
            task.IsIndeterminate = false;
            task.Value = Math.Max(task.Value, percent);
        }
    }
}
