using GenResilience.Diagnostics.Internal;
using Microsoft.Extensions.Logging;

namespace GenResilience.AI.Failover.Internal;

/// <summary>
/// The failover's log lines (category <c>GenResilience.Failover</c>), one per event: a call moving on is routine
/// recovery (Information, or Debug when the target was already known to be out of use); a target taken out of use,
/// a call not moved on because it may have started a paid job, and a call no target could serve are Warnings. A
/// switch carries no exception: the client that failed has logged its own details (GenResilience's "giving up"
/// line), and the failure is in the response's report or the error.
/// </summary>
internal static partial class FailoverLog
{
    [LoggerMessage(EventId = 200, EventName = "FailoverSwitched", Level = LogLevel.Information,
        Message = "{Failover}: {From} failed with {Kind}; the call moves to {To}")]
    public static partial void Switched(ILogger logger, string failover, string from, GenerationErrorKind kind, string to);

    [LoggerMessage(EventId = 201, EventName = "FailoverSkippedTargetOutOfUse", Level = LogLevel.Debug,
        Message = "{Failover}: {From} is passed by ({Why}); the call goes to {To}")]
    public static partial void SkippedOutOfUse(ILogger logger, string failover, string from, string why, string to);

    [LoggerMessage(EventId = 202, EventName = "FailoverTargetOutOfUse", Level = LogLevel.Warning,
        Message = "{Failover}: {Target} is out of use for {BreakDuration} after failing with {Kind}; calls go to the other targets until a trial call succeeds (GenerationFailoverOptions.BreakDuration)")]
    public static partial void TargetOutOfUse(ILogger logger, string failover, string target, LogDuration breakDuration, string kind);

    [LoggerMessage(EventId = 203, EventName = "FailoverTargetTrial", Level = LogLevel.Information,
        Message = "{Failover}: {Target} gets a trial call after its break")]
    public static partial void TargetTrial(ILogger logger, string failover, string target);

    [LoggerMessage(EventId = 204, EventName = "FailoverTargetBackInUse", Level = LogLevel.Information,
        Message = "{Failover}: {Target} is back in use after a successful trial call")]
    public static partial void TargetBackInUse(ILogger logger, string failover, string target);

    [LoggerMessage(EventId = 205, EventName = "FailoverAmbiguousFailureNotMoved", Level = LogLevel.Warning,
        Message = "{Failover}: {Target} failed with {Kind} after the call may have started a paid job there; it is not sent to {Next} (set GenerationFailoverOptions.AllowDuplicateAfterAmbiguousFailure to allow it)")]
    public static partial void AmbiguousFailureNotMoved(ILogger logger, string failover, string target, GenerationErrorKind kind, string next);

    [LoggerMessage(EventId = 206, EventName = "FailoverAllTargetsFailed", Level = LogLevel.Warning,
        Message = "{Failover}: no target could serve the call ({Summary})")]
    public static partial void AllTargetsFailed(ILogger logger, string failover, string summary);
}
