namespace GenResilience;

/// <summary>What Bytez answered to the runs of one image generation: the model and each output address (Bytez's <c>output</c>).</summary>
/// <param name="ModelId">The model that ran.</param>
/// <param name="Outputs">The output of each run, in order.</param>
public sealed record BytezImageResult(string ModelId, IReadOnlyList<string> Outputs);
