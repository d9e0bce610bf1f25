using System.Globalization;
using GenResilience.Diagnostics.Internal;
using GenResilience.Errors.Internal;

namespace GenResilience.AI.Failover.Internal;

/// <summary>The failover's own exceptions: no target could serve the call, or a paid job may have started and the call stops there.</summary>
internal static class FailoverErrors
{
    /// <summary>
    /// One exception for a call no target could serve. Its kind is the one kind every target failed with, else
    /// <see cref="GenerationErrorKind.ServiceUnavailable"/>; the message names each target's failure, and
    /// <see cref="Exception.InnerException"/> is an <see cref="AggregateException"/> of them.
    /// </summary>
    public static GenerationException AllFailed<TGenerator>(
        FailoverRouter<TGenerator> router, IReadOnlyList<GenerationFailoverSkip> skipped, IReadOnlyList<Exception> failures, TimeSpan breakDuration, DateTimeOffset now)
        where TGenerator : class, IDisposable
    {
        GenerationErrorKind?[] kinds = [.. skipped.Select(s => s.ErrorKind)];
        GenerationErrorKind kind = kinds.Length > 0 && kinds[0] is { } first && kinds.All(k => k == first) ? first : GenerationErrorKind.ServiceUnavailable;

        var generationFailures = failures.OfType<GenerationException>().ToList();
        string message = $"{router.Name}: no target could serve the call. "
            + string.Join(" ", skipped.Select(s => $"[{s.Target}] {s.Message}{(s.Message.EndsWith('.') ? string.Empty : ".")}"))
            + $" A target that keeps failing is passed by for GenerationFailoverOptions.BreakDuration ({Durations.Format(breakDuration)}), then tried again.";
        return new GenerationException(kind, GenerationFailoverConstants.ProviderName, message, new AggregateException(failures))
        {
            Operation = router.Medium,
            Attempts = generationFailures.Sum(e => e.Attempts),
            RetryAfter = ComeBackIn(router, skipped, now),
            MayHaveStartedWork = generationFailures.Any(e => e.MayHaveStartedWork),
            UserMessage = UserMessages.For(kind, attempts: 1, ComeBackIn(router, skipped, now)),
        };
    }

    /// <summary>
    /// The call failed on a target after it may have started a paid job there, and is not sent on: the target's own
    /// failure (same kind, status, attempts), with a message that says why the call stopped and what to change.
    /// </summary>
    public static GenerationException AmbiguousFailure<TGenerator>(
        FailoverRouter<TGenerator> router, string target, string next, GenerationException failure, IReadOnlyList<GenerationFailoverSkip> skipped)
        where TGenerator : class, IDisposable
    {
        string before = skipped.Count > 1
            ? " Before it: " + string.Join(" ", skipped.Take(skipped.Count - 1).Select(s => $"[{s.Target}] {s.Message}{(s.Message.EndsWith('.') ? string.Empty : ".")}"))
            : string.Empty;
        string message = string.Create(
            CultureInfo.InvariantCulture,
            $"{router.Name}: [{target}] failed with {failure.Kind} after the call may have started a paid job there, so it was not sent to [{next}], which could pay twice for one {router.Medium}. ")
            + $"Look for the job at {failure.Provider} before trying again, or set GenerationFailoverOptions.AllowDuplicateAfterAmbiguousFailure to move such calls on. [{target}] said: {failure.Message}{before}";
        return new GenerationException(failure.Kind, failure.Provider, message, failure)
        {
            Operation = failure.Operation,
            StatusCode = failure.StatusCode,
            Attempts = failure.Attempts,
            ErrorCode = failure.ErrorCode,
            RequestId = failure.RequestId,
            RetryAfter = failure.RetryAfter,
            ValidationErrors = failure.ValidationErrors,
            UserMessage = failure.UserMessage,
            MayHaveStartedWork = true,
        };
    }

    /// <summary>When some target may take a call again: known only when each target is out of use or said when to come back.</summary>
    private static TimeSpan? ComeBackIn<TGenerator>(FailoverRouter<TGenerator> router, IReadOnlyList<GenerationFailoverSkip> skipped, DateTimeOffset now)
        where TGenerator : class, IDisposable
    {
        TimeSpan? soonest = null;
        foreach (GenerationFailoverSkip skip in skipped)
        {
            FailoverTarget<TGenerator>? target = router.Targets.FirstOrDefault(t => t.Name == skip.Target);
            TimeSpan? wait = target?.OutOfUseFor(now) ?? (skip.Exception as GenerationException)?.RetryAfter;
            if (wait is null)
            {
                return null;
            }

            soonest = soonest is null || wait < soonest ? wait : soonest;
        }

        return soonest;
    }
}
