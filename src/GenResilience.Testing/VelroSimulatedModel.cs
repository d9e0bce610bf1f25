namespace GenResilience.Testing;

/// <summary>
/// One model of a <see cref="VelroSimulator"/>'s registry.
/// </summary>
/// <param name="ModelId">The id, for example <c>fal-ai/flux-pro/v1.1-ultra</c>.</param>
/// <param name="Type"><c>image</c>, <c>video</c> or <c>audio</c>.</param>
/// <param name="Credits">What one generation costs.</param>
/// <param name="ParametersJson">The registry's <c>parameters</c> object, as JSON; <c>{}</c> for none.</param>
public sealed record VelroSimulatedModel(string ModelId, string Type, int Credits, string ParametersJson = "{}");
