namespace GenResilience.Keys.Internal;

/// <summary>
/// What <see cref="KeyAdmission"/> answered a request that asked to send with its key.
/// </summary>
/// <param name="Status">Whether the request may send now, must choose a key again, or cannot be admitted in time.</param>
/// <param name="Epoch">The key's count of 429 bursts when the request was admitted; a 429 on an older epoch is the same burst.</param>
/// <param name="TrialId">Non-zero when the request is the one trial after a cooldown, whose answer the others wait for.</param>
/// <param name="Wait">For <see cref="AdmissionStatus.TooLate"/>: how long until the key could take the request.</param>
internal readonly record struct AdmissionTicket(AdmissionStatus Status, int Epoch, long TrialId, TimeSpan Wait)
{
    public static AdmissionTicket Retry { get; } = new(AdmissionStatus.Retry, 0, 0, TimeSpan.Zero);

    public static AdmissionTicket Admitted(int epoch, long trialId = 0) => new(AdmissionStatus.Admitted, epoch, trialId, TimeSpan.Zero);

    public static AdmissionTicket TooLate(TimeSpan wait) => new(AdmissionStatus.TooLate, 0, 0, wait);
}

/// <summary>How an admission ended.</summary>
internal enum AdmissionStatus
{
    /// <summary>The request may send with the key now.</summary>
    Admitted,

    /// <summary>The key left the pool (rejected, or removed by a reload) while the request waited: choose again.</summary>
    Retry,

    /// <summary>The key cannot take the request before the request's deadline.</summary>
    TooLate,
}
