namespace GenResilience;

/// <summary>
/// Which queued Bytez run starts first when <see cref="BytezClientOptions.MaxConcurrentRequests"/> are in flight.
/// </summary>
public enum BytezPriority
{
    /// <summary>Starts after every queued <see cref="Normal"/> and <see cref="High"/> run (within <see cref="BytezClientOptions.QueueOvertakeLimit"/>).</summary>
    Low = -1,

    /// <summary>The default.</summary>
    Normal = 0,

    /// <summary>Starts before every queued <see cref="Normal"/> and <see cref="Low"/> run: for premium users, say.</summary>
    High = 1,
}
