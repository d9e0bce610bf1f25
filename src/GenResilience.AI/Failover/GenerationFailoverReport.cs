namespace GenResilience;

/// <summary>
/// Which target of a failover served a call and which were skipped before it, and why: on
/// <see cref="VideoGenerationResponse.Failover"/> for videos, and for images in each content's
/// <c>AdditionalProperties</c> (read it with <see cref="GenerationFailoverImageResponseExtensions.GetFailoverReport"/>).
/// </summary>
public sealed class GenerationFailoverReport
{
    /// <summary>The key of the report in the <c>AdditionalProperties</c> of each image a <see cref="FailoverImageGenerator"/> returns.</summary>
    public const string AdditionalPropertiesKey = "genresilience.failover";

    /// <summary>Initializes a new instance of the <see cref="GenerationFailoverReport"/> class.</summary>
    /// <param name="servedBy">The name of the target that served the call.</param>
    /// <param name="skipped">The targets tried or passed over before it, in order.</param>
    public GenerationFailoverReport(string servedBy, IReadOnlyList<GenerationFailoverSkip> skipped)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(servedBy);
        ArgumentNullException.ThrowIfNull(skipped);
        ServedBy = servedBy;
        Skipped = skipped;
    }

    /// <summary>Gets the name of the target that served the call.</summary>
    public string ServedBy { get; }

    /// <summary>Gets the targets tried or passed over before <see cref="ServedBy"/>, in order; empty when the first target served.</summary>
    public IReadOnlyList<GenerationFailoverSkip> Skipped { get; }

    /// <summary>Gets a value indicating whether the call was served by another target than the first in order.</summary>
    public bool FailedOver => Skipped.Count > 0;

    /// <inheritdoc/>
    public override string ToString()
        => Skipped.Count == 0 ? "served by " + ServedBy : $"served by {ServedBy} after {string.Join("; ", Skipped)}";
}
