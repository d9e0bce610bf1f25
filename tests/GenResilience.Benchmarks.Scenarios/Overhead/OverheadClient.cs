namespace GenResilience.Benchmarks.Overhead;

/// <summary>The clients of the overhead benchmark, each over its own <see cref="CachedResponseHandler"/>.</summary>
public enum OverheadClient
{
    /// <summary>A plain factory <see cref="HttpClient"/>: the floor.</summary>
    Plain,

    /// <summary><c>AddStandardResilienceHandler()</c> with its defaults.</summary>
    Standard,

    /// <summary><c>AddGenerationResilience()</c> with no keys.</summary>
    GenResilienceNoKeys,

    /// <summary><c>AddGenerationResilience()</c> with two keys.</summary>
    GenResilienceTwoKeys,
}
