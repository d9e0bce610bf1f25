namespace GenResilience.Keys.Internal;

/// <summary>Where one key's admission stands, as a health check reads it.</summary>
/// <param name="Phase">The phase.</param>
/// <param name="CoolingUntil">When the key's last 429 cooldown ends or ended; default while it never met one.</param>
/// <param name="Rate">The pace in requests per second; <see langword="null"/> while the key is not paced.</param>
/// <param name="Waiting">How many requests wait in the key's line.</param>
internal readonly record struct KeyAdmissionState(KeyAdmissionPhase Phase, DateTimeOffset CoolingUntil, double? Rate, int Waiting);
