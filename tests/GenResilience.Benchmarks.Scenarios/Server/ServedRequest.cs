namespace GenResilience.Benchmarks.Server;

/// <summary>One request the <see cref="LoopbackProvider"/> answered.</summary>
/// <param name="ArrivedAt">When it reached the provider, since the provider's last reset.</param>
/// <param name="Path">The request's path.</param>
/// <param name="Key">The key of its <c>Authorization: Bearer</c> header, if any.</param>
/// <param name="Status">The status it was answered with.</param>
public readonly record struct ServedRequest(TimeSpan ArrivedAt, string Path, string? Key, int Status);
