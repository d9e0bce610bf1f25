using System.Globalization;

namespace GenResilience.Tests.Helpers;

public static class TaskExtensions
{
    /// <summary>
    /// A bound on the real clock so a broken test fails instead of hanging; never a timing assertion. 20 s, or the
    /// seconds in <c>GENRESILIENCE_TEST_SAFETY_SECONDS</c> (mutation runs set it low: a mutant that stalls a request
    /// then fails its tests in seconds instead of waiting out the bound).
    /// </summary>
    public static readonly TimeSpan Safety = SafetyFromEnvironment();

    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(Safety);

    public static Task Bounded(this Task task) => task.WaitAsync(Safety);

    private static TimeSpan SafetyFromEnvironment()
        => double.TryParse(Environment.GetEnvironmentVariable("GENRESILIENCE_TEST_SAFETY_SECONDS"), NumberStyles.Float,
               CultureInfo.InvariantCulture, out double seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(20);
}
