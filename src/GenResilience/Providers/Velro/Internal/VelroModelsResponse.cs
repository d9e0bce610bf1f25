namespace GenResilience.Providers.Velro.Internal;

/// <summary>The body of <c>GET /api/v1/generations/models/supported</c>: <c>{"models":[...]}</c>.</summary>
internal sealed class VelroModelsResponse
{
    public IReadOnlyList<VelroModel>? Models { get; init; }
}
