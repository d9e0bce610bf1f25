namespace GenResilience;

/// <summary>
/// The <see cref="IHttpClientFactory"/> names of the provider clients that <c>AddGenerationClients</c> registers,
/// for code that wants the raw resilient <see cref="HttpClient"/> (<c>factory.CreateClient(GenerationHttpClientNames.Bytez)</c>).
/// </summary>
public static class GenerationHttpClientNames
{
    /// <summary>The UseAPI client.</summary>
    public const string UseApi = "GenResilience.UseApi";

    /// <summary>The Bytez client.</summary>
    public const string Bytez = "GenResilience.Bytez";

    /// <summary>The Velro client.</summary>
    public const string Velro = "GenResilience.Velro";
}
