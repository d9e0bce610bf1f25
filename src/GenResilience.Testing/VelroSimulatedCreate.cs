namespace GenResilience.Testing;

/// <summary>
/// One request to the create endpoint of a <see cref="VelroSimulator"/>, with its form read the way Velro reads it.
/// </summary>
public sealed class VelroSimulatedCreate
{
    internal VelroSimulatedCreate(SimulatedRequest request, bool isMultipart, IReadOnlyList<VelroSimulatedPart> parts)
    {
        Request = request;
        IsMultipart = isMultipart;
        Parts = parts;
        Fields = parts.Where(p => p.FileName is null).GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Text, StringComparer.Ordinal);
        ReferenceImage = parts.FirstOrDefault(p => p.Name == "reference_image" && p.FileName is not null);
    }

    /// <summary>Gets the raw request.</summary>
    public SimulatedRequest Request { get; }

    /// <summary>Gets a value indicating whether the body was <c>multipart/form-data</c>.</summary>
    public bool IsMultipart { get; }

    /// <summary>Gets every part, in the order sent.</summary>
    public IReadOnlyList<VelroSimulatedPart> Parts { get; }

    /// <summary>Gets the names of the parts, in the order sent.</summary>
    public IReadOnlyList<string> PartNames => [.. Parts.Select(p => p.Name)];

    /// <summary>Gets the form fields (parts without a file name) by name.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>Gets the <c>reference_image</c> file part, if one was sent.</summary>
    public VelroSimulatedPart? ReferenceImage { get; }

    /// <summary>Gets the status the simulator answered with.</summary>
    public int StatusCode { get; internal set; }

    /// <summary>Gets the id of the generation it created, if it created one.</summary>
    public string? GenerationId { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"create [{string.Join(", ", PartNames)}] -> {StatusCode}";
}
