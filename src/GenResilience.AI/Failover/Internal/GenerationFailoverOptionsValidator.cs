using System.Globalization;
using GenResilience.Diagnostics.Internal;
using Microsoft.Extensions.Options;

namespace GenResilience.AI.Failover.Internal;

/// <summary>
/// Checks <see cref="GenerationFailoverOptions"/> when the app starts (or when a failover is made by hand), with messages
/// that say what each setting does; Polly's own checks would only say which range it must be in.
/// </summary>
internal sealed class GenerationFailoverOptionsValidator : IValidateOptions<GenerationFailoverOptions>
{
    public static readonly GenerationFailoverOptionsValidator Instance = new();

    public ValidateOptionsResult Validate(string? name, GenerationFailoverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static List<string> Check(GenerationFailoverOptions options)
    {
        var failures = new List<string>();
        CheckDuration(options.BreakDuration, nameof(GenerationFailoverOptions.BreakDuration), "how long a failing target is skipped before a trial call", failures);
        CheckDuration(options.SamplingDuration, nameof(GenerationFailoverOptions.SamplingDuration), "the window over which a target's failures are counted", failures);
        if (!(options.FailureRatio > 0 && options.FailureRatio <= 1))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"GenerationFailoverOptions.FailureRatio ({options.FailureRatio}) must be more than 0 and at most 1: the share of failed calls that takes a target out of use."));
        }

        if (options.MinimumThroughput < GenerationFailoverConstants.DefaultMinimumThroughput)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"GenerationFailoverOptions.MinimumThroughput ({options.MinimumThroughput}) must be 2 or more: how many calls a target must have had before its failures can take it out of use."));
        }

        return failures;
    }

    private static void CheckDuration(TimeSpan value, string setting, string meaning, List<string> failures)
    {
        if (value < GenerationFailoverConstants.MinimumDuration || value > GenerationFailoverConstants.MaximumDuration)
        {
            failures.Add($"GenerationFailoverOptions.{setting} ({Durations.Format(value)}) must be between 1s and 1 day: {meaning}.");
        }
    }
}
