using System.Text.Json.Serialization;

namespace GenResilience;

/// <summary>A target a failover did not serve a call on, and why.</summary>
public sealed class GenerationFailoverSkip
{
    /// <summary>Initializes a new instance of the <see cref="GenerationFailoverSkip"/> class.</summary>
    /// <param name="target">The target's name.</param>
    /// <param name="reason">Why the call did not stay there.</param>
    /// <param name="errorKind">The kind of the failure, or of the failure that took the target out of use.</param>
    /// <param name="message">What happened, for developers.</param>
    /// <param name="exception">The failure this call met on the target; <see langword="null"/> when it was not called.</param>
    public GenerationFailoverSkip(string target, GenerationFailoverSkipReason reason, GenerationErrorKind? errorKind, string message, Exception? exception = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        ArgumentNullException.ThrowIfNull(message);
        Target = target;
        Reason = reason;
        ErrorKind = errorKind;
        Message = message;
        Exception = exception;
    }

    /// <summary>Gets the target's name.</summary>
    public string Target { get; }

    /// <summary>Gets why the call did not stay on the target.</summary>
    public GenerationFailoverSkipReason Reason { get; }

    /// <summary>
    /// Gets the kind of the failure (<see cref="GenerationFailoverSkipReason.Failed"/>), or of the failure that took the
    /// target out of use (<see cref="GenerationFailoverSkipReason.CircuitOpen"/>, when known).
    /// </summary>
    public GenerationErrorKind? ErrorKind { get; }

    /// <summary>Gets what happened, for developers: the failure's message, or since when and until when the target is out of use.</summary>
    public string Message { get; }

    /// <summary>Gets the failure this call met on the target, or <see langword="null"/> when the call did not go there.</summary>
    [JsonIgnore]
    public Exception? Exception { get; }

    /// <inheritdoc/>
    public override string ToString() => Target + ": " + Message;
}
