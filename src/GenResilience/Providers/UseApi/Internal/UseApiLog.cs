using Microsoft.Extensions.Logging;

namespace GenResilience.Providers.UseApi.Internal;

/// <summary>The UseAPI client's log lines (event ids 100-119). Accounts appear by e-mail; keys never do.</summary>
internal static partial class UseApiLog
{
    [LoggerMessage(EventId = 100, EventName = "UseApiVeoDegraded", Level = LogLevel.Warning,
        Message = "UseApi VEO is failing ({LastError}); VEO requests run on {FallbackModel} until a trial VEO call succeeds (in {BreakDuration})")]
    public static partial void VeoDegraded(ILogger logger, string lastError, string fallbackModel, string breakDuration);

    [LoggerMessage(EventId = 101, EventName = "UseApiVeoRecovered", Level = LogLevel.Information,
        Message = "UseApi VEO is back: a trial VEO call succeeded, VEO requests go to VEO again")]
    public static partial void VeoRecovered(ILogger logger);

    [LoggerMessage(EventId = 102, EventName = "UseApiFallbackUsed", Level = LogLevel.Information,
        Message = "UseApi: {RequestedModel} request made with {FallbackModel} ({Reason})")]
    public static partial void FallbackUsed(ILogger logger, string requestedModel, string fallbackModel, string reason);

    [LoggerMessage(EventId = 103, EventName = "UseApiAccountFull", Level = LogLevel.Information,
        Message = "UseApi {Model}: account {Email} has no free job slot (query is full); trying the next account")]
    public static partial void AccountFull(ILogger logger, string model, string email);

    [LoggerMessage(EventId = 104, EventName = "UseApiJobAdopted", Level = LogLevel.Information,
        Message = "UseApi {Model}: the create failed ambiguously, but job {JobId} with this request's reference is running; adopted instead of starting another")]
    public static partial void JobAdopted(ILogger logger, string model, string jobId);

    [LoggerMessage(EventId = 105, EventName = "UseApiUploadSkipped", Level = LogLevel.Warning,
        Message = "UseApi: the reference image {FileName} could not be uploaded ({Error}); going on with the prompt alone")]
    public static partial void UploadSkipped(ILogger logger, string fileName, string error);

    [LoggerMessage(EventId = 106, EventName = "UseApiBalanceUnknown", Level = LogLevel.Debug,
        Message = "UseApi: the balance of account {Email} could not be read ({Error}); the account stays a candidate")]
    public static partial void BalanceUnknown(ILogger logger, string email, string error);
}
