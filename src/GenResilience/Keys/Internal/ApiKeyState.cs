namespace GenResilience.Keys.Internal;

/// <summary>
/// What the pool knows about one key.
/// </summary>
/// <param name="QuarantinedUntil">The key was rejected and is out of use until then.</param>
/// <param name="CoolingUntil">The key hit a 429 and is not used until then.</param>
/// <param name="ConsecutiveRateLimits">429s in a row on this key, reset by a success.</param>
/// <param name="LastRateLimitAt">When the last 429 on this key was recorded.</param>
internal readonly record struct ApiKeyState(
    DateTimeOffset QuarantinedUntil,
    DateTimeOffset CoolingUntil,
    int ConsecutiveRateLimits,
    DateTimeOffset LastRateLimitAt);
