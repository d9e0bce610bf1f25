using System.Globalization;

namespace GenResilience.Benchmarks.Reporting;

/// <summary>The machine's load average, read from <c>/proc/loadavg</c> where there is one (Linux).</summary>
public static class LoadAverage
{
    /// <summary>Reads the one-minute load average.</summary>
    /// <returns>The load average, or <see langword="null"/> where the system does not publish it.</returns>
    public static double? Read()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Describes the range of some readings, such as <c>3.1-5.8</c>.</summary>
    /// <param name="readings">The readings; the missing ones are left out.</param>
    /// <returns>The range, or <c>unknown</c>.</returns>
    public static string Range(IEnumerable<double?> readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        double[] known = [.. readings.OfType<double>()];
        return known.Length == 0 ? "unknown" : string.Create(CultureInfo.InvariantCulture, $"{known.Min():0.0}-{known.Max():0.0}");
    }
}
