using Microsoft.Extensions.AI;

namespace GenResilience;

/// <summary>Reads the <see cref="GenerationFailoverReport"/> a <see cref="FailoverImageGenerator"/> put on its images.</summary>
public static class GenerationFailoverImageResponseExtensions
{
    /// <summary>Gets which failover target made the images and which were passed by, and why.</summary>
    /// <param name="response">A response of a <see cref="FailoverImageGenerator"/> (through any middleware).</param>
    /// <returns>The report, or <see langword="null"/> when no failover made the response (or it has no images).</returns>
    public static GenerationFailoverReport? GetFailoverReport(this ImageGenerationResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        foreach (AIContent content in response.Contents)
        {
            if (content.AdditionalProperties?.TryGetValue(GenerationFailoverReport.AdditionalPropertiesKey, out object? value) == true && value is GenerationFailoverReport report)
            {
                return report;
            }
        }

        return null;
    }
}
