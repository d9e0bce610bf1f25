using System.Globalization;

namespace GenResilience.Diagnostics.Internal;

/// <summary>
/// Formats waits the way people read them in a log: <c>5s</c>, <c>1.5s</c>, <c>250ms</c>, <c>2m</c>, <c>1m30s</c>.
/// </summary>
internal static class Durations
{
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            return "-" + Format(value.Negate());
        }

        if (value < TimeSpan.FromSeconds(1))
        {
            return ((long)Math.Round(value.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";
        }

        if (value < TimeSpan.FromMinutes(1))
        {
            return Math.Round(value.TotalSeconds, 3).ToString("0.###", CultureInfo.InvariantCulture) + "s";
        }

        if (value < TimeSpan.FromHours(1))
        {
            int seconds = (int)Math.Round(value.TotalSeconds) % 60;
            int minutes = (int)(Math.Round(value.TotalSeconds) / 60);
            return seconds == 0
                ? minutes.ToString(CultureInfo.InvariantCulture) + "m"
                : string.Create(CultureInfo.InvariantCulture, $"{minutes}m{seconds}s");
        }

        int totalMinutes = (int)Math.Round(value.TotalMinutes);
        return totalMinutes % 60 == 0
            ? (totalMinutes / 60).ToString(CultureInfo.InvariantCulture) + "h"
            : string.Create(CultureInfo.InvariantCulture, $"{totalMinutes / 60}h{totalMinutes % 60}m");
    }
}
