namespace GenResilience.Samples.WebApi;

/// <summary>What a caller asks for: a prompt, and a model id when not the endpoint's default.</summary>
public sealed record GenerationRequest(string? Prompt, string? Model = null);

/// <summary>The images made.</summary>
public sealed record ImageResponse(string Provider, string Model, IReadOnlyList<string> Images);

/// <summary>The video made; <c>UsedFallback</c> when UseAPI served a VEO request on its fallback model.</summary>
public sealed record VideoResponse(string Provider, string Model, string Video, bool UsedFallback, IReadOnlyList<string> Warnings);
