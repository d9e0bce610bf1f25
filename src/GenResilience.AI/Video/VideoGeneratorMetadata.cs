namespace GenResilience;

/// <summary>Describes an <see cref="IVideoGenerator"/>, as Microsoft.Extensions.AI's <c>ImageGeneratorMetadata</c> does an image generator.</summary>
/// <param name="ProviderName">The provider: <c>UseApi</c>, <c>Velro</c>, <c>Bytez</c>, or <c>failover</c>.</param>
/// <param name="ProviderUri">The provider's address, when there is one.</param>
/// <param name="DefaultModelId">The model used when the options name none.</param>
public sealed record VideoGeneratorMetadata(string ProviderName, Uri? ProviderUri, string? DefaultModelId);
