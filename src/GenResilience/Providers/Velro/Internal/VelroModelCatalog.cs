using System.Globalization;

namespace GenResilience.Providers.Velro.Internal;

/// <summary>One read of Velro's model registry, with the lookups the checks need.</summary>
internal sealed class VelroModelCatalog
{
    private readonly Dictionary<string, VelroModel> _byId;

    public VelroModelCatalog(IReadOnlyList<VelroModel> models, DateTimeOffset readAt)
    {
        Models = models;
        ReadAt = readAt;
        _byId = new Dictionary<string, VelroModel>(StringComparer.Ordinal);
        foreach (VelroModel model in models)
        {
            _byId.TryAdd(model.ModelId, model);
        }
    }

    public IReadOnlyList<VelroModel> Models { get; }

    public DateTimeOffset ReadAt { get; }

    public VelroModel? Find(string modelId) => _byId.GetValueOrDefault(modelId);

    /// <summary>The valid ids by type, in the registry's order: <c>Image models: a, b. Video models: c, d.</c></summary>
    public string DescribeModels()
    {
        IEnumerable<string> groups = Models
            .GroupBy(m => m.Type)
            .OrderBy(g => g.Key switch { VelroModelType.Image => 0, VelroModelType.Video => 1, VelroModelType.Audio => 2, _ => 3 })
            .Select(g => $"{Label(g.Key)}: {string.Join(", ", g.Select(m => m.ModelId))}.");
        return string.Join(" ", groups);
    }

    /// <summary>The one registry id that the given id is evidently meant to be (a missing prefix, another case), if any.</summary>
    public string? Suggest(string modelId)
    {
        if (string.IsNullOrWhiteSpace(modelId))
        {
            return null;
        }

        string wanted = modelId.Trim();
        VelroModel[] close = [.. Models.Where(m =>
            string.Equals(m.ModelId, wanted, StringComparison.OrdinalIgnoreCase)
            || m.ModelId.EndsWith("/" + wanted, StringComparison.OrdinalIgnoreCase))];
        return close.Length == 1 ? close[0].ModelId : null;
    }

    private static string Label(VelroModelType type) => type switch
    {
        VelroModelType.Image => "Image models",
        VelroModelType.Video => "Video models",
        VelroModelType.Audio => "Audio models",
        _ => "Other models",
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Models.Count} models read at {ReadAt:O}");
}
