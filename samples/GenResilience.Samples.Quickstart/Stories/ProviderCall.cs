using System.Diagnostics.CodeAnalysis;

namespace GenResilience.Samples.Quickstart;

/// <summary>How one call of a story ended: its result or its <see cref="GenerationException"/>, and its requests.</summary>
internal sealed class ProviderCall<T>(T? result, GenerationException? error, CallLog log)
{
    public T? Result { get; } = result;

    public GenerationException? Error { get; } = error;

    public CallLog Log { get; } = log;

    [MemberNotNullWhen(true, nameof(Result))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;
}
