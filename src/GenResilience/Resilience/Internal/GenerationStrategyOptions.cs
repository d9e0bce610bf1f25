using Polly;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// Names a GenResilience strategy in Polly's telemetry and pipeline descriptors.
/// </summary>
internal sealed class GenerationStrategyOptions : ResilienceStrategyOptions
{
    public GenerationStrategyOptions(string name)
    {
        Name = name;
    }
}
