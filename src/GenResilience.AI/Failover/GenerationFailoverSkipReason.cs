namespace GenResilience;

/// <summary>Why a failover did not serve a call on a target.</summary>
public enum GenerationFailoverSkipReason
{
    /// <summary>The call went to the target and failed in a way another target could serve.</summary>
    Failed,

    /// <summary>The target was out of use (its circuit open after recent failures, or a trial call in flight), so the call did not go there.</summary>
    CircuitOpen,
}
