using Microsoft.Extensions.Logging;

namespace GenResilience.Diagnostics.Internal;

/// <summary>
/// Every log line of the pipeline. Keys appear only as fingerprints (<c>…a1b2</c>); event ids are stable.
/// Routine recovery (a retry, a wait, a rotation after a 429) is Information; a Warning is something an operator
/// should act on (a rejected key, giving up, rejected options); an Error means no request can be sent.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "RetryingAfterFailure", Level = LogLevel.Information,
        Message = "{Target}: {Reason}, retrying in {Delay} (attempt {Attempt}/{MaxAttempts})")]
    public static partial void RetryingAfterFailure(ILogger logger, string target, string reason, LogDuration delay, int attempt, int maxAttempts);

    [LoggerMessage(EventId = 2, EventName = "KeyRejected", Level = LogLevel.Warning,
        Message = "{Target}: API key {KeyFingerprint} was rejected with {StatusCode}; quarantined for {Cooldown}, {UsableKeys} of {TotalKeys} keys left")]
    public static partial void KeyRejected(ILogger logger, string target, string keyFingerprint, int statusCode, LogDuration cooldown, int usableKeys, int totalKeys);

    [LoggerMessage(EventId = 3, EventName = "KeyRateLimited", Level = LogLevel.Information,
        Message = "{Target}: rate limited (429) on API key {KeyFingerprint}; the key cools down for {Cooldown} ({Source})")]
    public static partial void KeyRateLimited(ILogger logger, string target, string keyFingerprint, LogDuration cooldown, string source);

    [LoggerMessage(EventId = 4, EventName = "WaitingForRateLimit", Level = LogLevel.Information,
        Message = "{Target}: every usable API key is cooling down after a 429, waiting {Delay} before sending")]
    public static partial void WaitingForRateLimit(ILogger logger, string target, LogDuration delay);

    [LoggerMessage(EventId = 5, EventName = "AllKeysRejected", Level = LogLevel.Error,
        Message = "{Target}: all {TotalKeys} API keys are rejected; the request stops here. Fix {Setting}")]
    public static partial void AllKeysRejected(ILogger logger, string target, int totalKeys, string setting);

    [LoggerMessage(EventId = 6, EventName = "RateLimitWaitTooLong", Level = LogLevel.Warning,
        Message = "{Target}: every usable API key is cooling down for {Delay}, longer than the {Remaining} left of the total timeout; failing now")]
    public static partial void RateLimitWaitTooLong(ILogger logger, string target, LogDuration delay, LogDuration remaining);

    [LoggerMessage(EventId = 7, EventName = "GaveUp", Level = LogLevel.Warning,
        Message = "{Target}: giving up after {Attempts} attempts, last outcome {Outcome}")]
    public static partial void GaveUp(ILogger logger, string target, int attempts, string outcome);

    [LoggerMessage(EventId = 8, EventName = "KeysChanged", Level = LogLevel.Information,
        Message = "{Provider}: API key settings changed; {TotalKeys} keys in use and every quarantine lifted")]
    public static partial void KeysChanged(ILogger logger, string provider, int totalKeys);

    [LoggerMessage(EventId = 9, EventName = "KeyNotSentToForeignHost", Level = LogLevel.Debug,
        Message = "{Provider}: no API key sent to {Host}, which is not the client's BaseAddress host")]
    public static partial void KeyNotSentToForeignHost(ILogger logger, string provider, string host);

    [LoggerMessage(EventId = 10, EventName = "WaitingForPace", Level = LogLevel.Debug,
        Message = "{Target}: waiting {Delay} in line for API key {KeyFingerprint}, paced at {Rate:0.##} requests/s")]
    public static partial void WaitingForPace(ILogger logger, string target, string keyFingerprint, LogDuration delay, double rate);

    [LoggerMessage(EventId = 11, EventName = "KeyCheckPassed", Level = LogLevel.Information,
        Message = "{Target}: API key {KeyFingerprint} passed its key check")]
    public static partial void KeyCheckPassed(ILogger logger, string target, string keyFingerprint);

    [LoggerMessage(EventId = 12, EventName = "KeyCheckInconclusive", Level = LogLevel.Information,
        Message = "{Target}: the key check of API key {KeyFingerprint} was inconclusive ({Reason}); the key stays in use")]
    public static partial void KeyCheckInconclusive(ILogger logger, string target, string keyFingerprint, string reason);

    [LoggerMessage(EventId = 13, EventName = "ReloadRejected", Level = LogLevel.Warning,
        Message = "{Provider}: the reloaded options are invalid and were not applied; the last valid options stay in force. {ValidationMessage}")]
    public static partial void ReloadRejected(ILogger logger, string provider, string validationMessage);

    [LoggerMessage(EventId = 14, EventName = "OtherResilienceHandlerRemoved", Level = LogLevel.Information,
        Message = "{Provider}: removed {Count} other resilience handler(s) (such as AddStandardResilienceHandler from ConfigureHttpClientDefaults) from the provider client {ClientName}; its GenResilience pipeline already retries and times out its calls")]
    public static partial void OtherResilienceHandlerRemoved(ILogger logger, string provider, int count, string clientName);

    [LoggerMessage(EventId = 15, EventName = "ConnectTimeoutNotApplied", Level = LogLevel.Debug,
        Message = "{Provider}: the primary handler is a {HandlerType}, which has no connect timeout to set; ConnectTimeout is not applied")]
    public static partial void ConnectTimeoutNotApplied(ILogger logger, string provider, string handlerType);

    [LoggerMessage(EventId = 16, EventName = "RequestRefusedByKeys", Level = LogLevel.Information,
        Message = "{Target}: two API keys refused the request with {StatusCode}; the refusal is about the request, not the keys, so no key stays quarantined and the failure is final")]
    public static partial void RequestRefusedByKeys(ILogger logger, string target, int statusCode);

    [LoggerMessage(EventId = 17, EventName = "AmbiguousFailureNotRetried", Level = LogLevel.Warning,
        Message = "{Target}: {Reason} after the request may have reached the service; a {Method} is not repeated after such a failure, so it is not retried (set {Setting} or request.SetRetryAfterAmbiguousFailure(true) to allow it)")]
    public static partial void AmbiguousFailureNotRetried(ILogger logger, string target, string reason, string method, string setting);

    [LoggerMessage(EventId = 18, EventName = "SharedKeyQuarantined", Level = LogLevel.Information,
        Message = "{Target}: API key {KeyFingerprint} was rejected on another app instance and is quarantined here too for {Remaining} (shared key state)")]
    public static partial void SharedKeyQuarantined(ILogger logger, string target, string keyFingerprint, LogDuration remaining);

    [LoggerMessage(EventId = 19, EventName = "SharedKeyCooling", Level = LogLevel.Information,
        Message = "{Target}: API key {KeyFingerprint} met a 429 on another app instance and cools down here too for {Remaining} (shared key state)")]
    public static partial void SharedKeyCooling(ILogger logger, string target, string keyFingerprint, LogDuration remaining);

    [LoggerMessage(EventId = 20, EventName = "SharedKeyStateFailed", Level = LogLevel.Warning,
        Message = "{Provider}: the shared key state store {StoreType} threw from {Member}; requests go on with this app instance's own key state (logged again only after that member has worked since)")]
    public static partial void SharedKeyStateFailed(ILogger logger, string provider, string storeType, string member, Exception exception);
}
