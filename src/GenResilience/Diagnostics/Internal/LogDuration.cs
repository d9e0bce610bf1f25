namespace GenResilience.Diagnostics.Internal;

/// <summary>
/// A wait in a log line, formatted as <c>5s</c> only when the line is written.
/// </summary>
internal readonly struct LogDuration(TimeSpan value)
{
    public TimeSpan Value { get; } = value;

    public override string ToString() => Durations.Format(Value);
}
