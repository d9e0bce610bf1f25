namespace GenResilience;

/// <summary>
/// A model that Bytez can run, as <see cref="IBytezClient.ListModelsAsync"/> lists it.
/// </summary>
public sealed record BytezModel
{
    /// <summary>Initializes a new instance of the <see cref="BytezModel"/> class.</summary>
    /// <param name="modelId">The model id, for example <c>stabilityai/stable-diffusion-xl-base-1.0</c>.</param>
    /// <param name="task">The model's task, for example <c>text-to-image</c>, or <see langword="null"/> if Bytez did not say.</param>
    public BytezModel(string modelId, string? task)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ModelId = modelId;
        Task = task;
    }

    /// <summary>Gets the model id to pass to the run calls.</summary>
    public string ModelId { get; }

    /// <summary>Gets the model's task (<c>text-to-image</c>, <c>text-to-video</c>, <c>chat</c>, ...), if Bytez said.</summary>
    public string? Task { get; }

    /// <summary>Gets Bytez's price class of the model (<c>meter</c>, for example <c>sm-free</c>), if Bytez said.</summary>
    public string? Meter { get; init; }

    /// <summary>Gets the price of running the model (<c>meterPrice</c>, for example <c>0.0006478333 / sec</c>), if Bytez said.</summary>
    public string? MeterPrice { get; init; }

    /// <summary>Gets the model's size in billions of parameters (<c>params</c>), if Bytez said.</summary>
    public double? ParametersInBillions { get; init; }

    /// <summary>Gets the GPU memory the model needs, in GB (<c>ramRequired</c>), if Bytez said.</summary>
    public double? RamRequiredGB { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Task is null ? ModelId : ModelId + " (" + Task + ")";
}
