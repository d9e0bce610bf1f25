using Microsoft.Extensions.Logging;

namespace GenResilience.Providers.Bytez.Internal;

/// <summary>
/// The Bytez client's own log lines (category <c>GenResilience</c>, event ids from 101 so they never meet the
/// pipeline's). Keys never appear in them.
/// </summary>
internal static partial class BytezLog
{
    [LoggerMessage(EventId = 101, EventName = "BytezQueueFull", Level = LogLevel.Warning,
        Message = "{Target}: the queue is full ({InFlight} runs in flight of MaxConcurrentRequests {MaxConcurrent}, {Queued} waiting of MaxQueueLength {MaxQueueLength}); the run failed at once without being sent")]
    public static partial void QueueFull(ILogger logger, string target, int inFlight, int maxConcurrent, int queued, int maxQueueLength);

    [LoggerMessage(EventId = 102, EventName = "BytezQueued", Level = LogLevel.Debug,
        Message = "{Target}: all {MaxConcurrent} concurrent runs are in flight; waiting in the queue with priority {Priority}, {Queued} waiting")]
    public static partial void Queued(ILogger logger, string target, int maxConcurrent, BytezPriority priority, int queued);

    [LoggerMessage(EventId = 103, EventName = "BytezModelCheckSkipped", Level = LogLevel.Information,
        Message = "{Target}: could not read the model list to check model '{ModelId}', so the run goes ahead unchecked ({Reason})")]
    public static partial void ModelCheckSkipped(ILogger logger, string target, string modelId, string reason);

    [LoggerMessage(EventId = 104, EventName = "BytezModelNotFound", Level = LogLevel.Warning,
        Message = "{Target}: model '{ModelId}' is not in Bytez's model list; the run was not sent. Close matches: {CloseMatches}")]
    public static partial void ModelNotFound(ILogger logger, string target, string modelId, string closeMatches);
}
