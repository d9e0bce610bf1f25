using System.Globalization;
using GenResilience.Diagnostics.Internal;
using GenResilience.Keys.Internal;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// The rules across properties of <see cref="GenerationResilienceOptions"/>; every message names the setting.
/// </summary>
internal static class GenerationResilienceRules
{
    private static readonly GenerationResilienceOptionsValidator Annotations = new();

    /// <summary>Checks the data annotations (ranges, required) with the source-generated validator.</summary>
    /// <param name="options">The options.</param>
    /// <param name="name">How the messages name the options: the client or the configuration section.</param>
    /// <param name="failures">Where to add the messages.</param>
    public static void CheckAnnotations(GenerationResilienceOptions options, string name, ICollection<string> failures)
        => AddFailures(Annotations.Validate(name, options), failures);

    /// <summary>Adds the failures of a validation result.</summary>
    public static void AddFailures(Microsoft.Extensions.Options.ValidateOptionsResult result, ICollection<string> failures)
    {
        if (result.Failed && result.Failures is { } messages)
        {
            foreach (string message in messages)
            {
                failures.Add(message);
            }
        }
    }

    public static void Check(GenerationResilienceOptions options, string settingFormat, ICollection<string> failures)
    {
        string Setting(string property) => string.Format(CultureInfo.InvariantCulture, settingFormat, property);

        // Empty is allowed: no server-error retries at all.
        if (options.RetryDelays is null)
        {
            failures.Add($"{Setting("RetryDelays")} is null; leave it empty for no server-error retries (the default is 5s, 15s, 30s).");
        }
        else
        {
            for (int i = 0; i < options.RetryDelays.Count; i++)
            {
                if (options.RetryDelays[i] < TimeSpan.Zero)
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Setting("RetryDelays")}[{i}] is negative ({options.RetryDelays[i]}); a delay must be zero or more."));
                }
                else if (options.RetryDelays[i] > TimeSpan.FromDays(1))
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Setting("RetryDelays")}[{i}] is longer than a day ({options.RetryDelays[i]})."));
                }
            }
        }

        CheckStatusCodes(options.RetryStatusCodes, Setting("RetryStatusCodes"), failures);
        CheckStatusCodes(options.KeyRejectedStatusCodes, Setting("KeyRejectedStatusCodes"), failures);

        if (options.ApiKeys is null)
        {
            failures.Add($"{Setting("ApiKeys")} is null; leave it empty to send no key.");
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < options.ApiKeys.Count; i++)
            {
                string key = options.ApiKeys[i];
                if (string.IsNullOrWhiteSpace(key))
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Setting("ApiKeys")}[{i}] is empty; remove it or give the key."));
                }
                else if (key.Trim().Length != key.Length || key.Contains('\n', StringComparison.Ordinal) || key.Contains('\r', StringComparison.Ordinal))
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Setting("ApiKeys")}[{i}] ({KeyFingerprint.For(key.Trim())}) has leading or trailing whitespace or a line break; copy the key again."));
                }
                else if (FirstNonVisibleAscii(key) is int position)
                {
                    // The key itself is never printed; the character and its place are enough to find it.
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Setting("ApiKeys")}[{i}] contains U+{(int)key[position]:X4}, a character that cannot be sent in an HTTP header, at position {position + 1} of {key.Length}; copy the key again (a zero-width space or non-breaking space often comes along with a paste)."));
                }
                else if (!seen.Add(key))
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Setting("ApiKeys")}[{i}] ({KeyFingerprint.For(key)}) repeats an earlier key; list each key once."));
                }
            }
        }

        if (!string.IsNullOrEmpty(options.ApiKeyHeaderName) && options.ApiKeyHeaderName.Any(c => char.IsWhiteSpace(c) || c == ':'))
        {
            failures.Add($"{Setting("ApiKeyHeaderName")} ('{options.ApiKeyHeaderName}') is not a valid header name.");
        }

        if (!string.IsNullOrEmpty(options.ApiKeyScheme) && options.ApiKeyScheme.Any(char.IsWhiteSpace))
        {
            failures.Add($"{Setting("ApiKeyScheme")} ('{options.ApiKeyScheme}') must be one word, such as Bearer or Key; leave it empty to send the bare key.");
        }

        if (options.TotalTimeout is { } total && options.AttemptTimeout > total)
        {
            failures.Add($"{Setting("AttemptTimeout")} ({Durations.Format(options.AttemptTimeout)}) is longer than {Setting("TotalTimeout")} ({Durations.Format(total)}); an attempt can never use it all. Make TotalTimeout the larger.");
        }

        if (options.Classifier is null)
        {
            failures.Add($"{Setting("Classifier")} is null; use GenerationOutcomeClassifier.Default or a subclass.");
        }
    }

    private static void CheckStatusCodes(IList<int>? codes, string setting, ICollection<string> failures)
    {
        if (codes is null)
        {
            failures.Add($"{setting} is null; leave it empty instead.");
            return;
        }

        foreach (int code in codes)
        {
            if (code is < 400 or > 599)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{setting} contains {code}, which is not an HTTP error status (400-599)."));
            }
            else if (code == GenerationResilienceConstants.RateLimitStatusCode)
            {
                failures.Add($"{setting} contains 429, which is always handled as a rate limit (see MaxRateLimitRetries); remove it.");
            }
        }
    }

    /// <summary>The index of the first character outside visible ASCII (U+0021 to U+007E), which no key contains.</summary>
    private static int? FirstNonVisibleAscii(string key)
    {
        for (int i = 0; i < key.Length; i++)
        {
            if (key[i] is < '!' or > '~')
            {
                return i;
            }
        }

        return null;
    }
}
