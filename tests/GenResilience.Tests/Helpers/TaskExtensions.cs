namespace GenResilience.Tests.Helpers;

public static class TaskExtensions
{
    /// <summary>A bound on the real clock so a broken test fails instead of hanging; never a timing assertion.</summary>
    public static readonly TimeSpan Safety = TimeSpan.FromSeconds(20);

    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(Safety);

    public static Task Bounded(this Task task) => task.WaitAsync(Safety);
}
