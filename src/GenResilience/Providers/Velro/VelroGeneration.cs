namespace GenResilience;

/// <summary>
/// A Velro generation, as the create endpoint and <c>GET /api/v1/generations/{id}</c> return it.
/// </summary>
public sealed class VelroGeneration
{
    private IReadOnlyList<string> _outputUrls = [];

    /// <summary>Gets the generation's id; read it again with <see cref="IVelroClient.GetGenerationAsync"/>.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>Gets where the generation stands.</summary>
    public VelroGenerationStatus Status { get; init; }

    /// <summary>Gets the model.</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets the prompt.</summary>
    public string? Prompt { get; init; }

    /// <summary>Gets the project, if the generation belongs to one.</summary>
    public string? ProjectId { get; init; }

    /// <summary>Gets the results' addresses once <see cref="Status"/> is <see cref="VelroGenerationStatus.Completed"/>; empty before.</summary>
    public IReadOnlyList<string> OutputUrls
    {
        get => _outputUrls;
        init => _outputUrls = value ?? [];
    }

    /// <summary>Gets the main result's address (Velro's copy of the first output), when there is one.</summary>
    public string? MediaUrl { get; init; }

    /// <summary>Gets the media type of the result, for example <c>image</c> or <c>video</c>.</summary>
    public string? MediaType { get; init; }

    /// <summary>Gets what the generation cost.</summary>
    public decimal? Cost { get; init; }

    /// <summary>Gets the credits the generation used.</summary>
    public decimal? CreditsUsed { get; init; }

    /// <summary>Gets why the generation failed, when <see cref="Status"/> is <see cref="VelroGenerationStatus.Failed"/>.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Gets when the generation was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Gets when it finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Id} ({Status.ToString().ToLowerInvariant()}{(OutputUrls.Count > 0 ? $", {OutputUrls.Count} outputs" : string.Empty)})";
}
