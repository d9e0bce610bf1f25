using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// A <see cref="TimeSpan"/> (or <see cref="Nullable{TimeSpan}"/>) between two bounds, both included, with the message of
/// <see cref="RangeAttribute"/>: <c>The field {0} must be between {1} and {2}.</c>
/// </summary>
/// <remarks>
/// <c>[Range(typeof(TimeSpan), min, max)]</c> would say the same, but that constructor of <see cref="RangeAttribute"/>
/// requires unreferenced code (it converts through a <c>TypeConverter</c>), so it makes every app that trims or compiles
/// ahead of time warn. Polly and Microsoft.Extensions.Http.Resilience keep their own TimeSpan attributes for the same
/// reason. The options' source-generated validators (<c>[OptionsValidator]</c>) call this attribute like any other.
/// </remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
internal sealed class TimeSpanRangeAttribute : ValidationAttribute
{
    /// <summary>Initializes a new instance of the <see cref="TimeSpanRangeAttribute"/> class.</summary>
    /// <param name="minimum">The least valid value, in the invariant format of <see cref="TimeSpan.Parse(string, IFormatProvider)"/> (<c>00:00:01</c>).</param>
    /// <param name="maximum">The greatest valid value, in the same format (<c>7.00:00:00</c>).</param>
    public TimeSpanRangeAttribute(string minimum, string maximum)
        : base("The field {0} must be between {1} and {2}.")
    {
        Minimum = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);
        Maximum = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);
    }

    /// <summary>Gets the least valid value.</summary>
    public TimeSpan Minimum { get; }

    /// <summary>Gets the greatest valid value.</summary>
    public TimeSpan Maximum { get; }

    /// <inheritdoc/>
    public override bool IsValid(object? value) => value switch
    {
        null => true,
        TimeSpan time => time >= Minimum && time <= Maximum,
        _ => throw new InvalidOperationException($"{nameof(TimeSpanRangeAttribute)} validates TimeSpan values, not {value.GetType()}."),
    };

    /// <inheritdoc/>
    public override string FormatErrorMessage(string name)
        => string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum, Maximum);
}
