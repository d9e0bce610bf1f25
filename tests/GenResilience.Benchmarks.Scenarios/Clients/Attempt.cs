namespace GenResilience.Benchmarks.Clients;

/// <summary>One HTTP attempt a client put on the wire, as its innermost handler saw it.</summary>
/// <param name="SentAt">When it was sent (a <see cref="TimeProvider.System"/> timestamp).</param>
/// <param name="AnsweredAt">When its answer came back (a timestamp), or when it failed.</param>
/// <param name="Key">The key of its <c>Authorization: Bearer</c> header, if any.</param>
/// <param name="Status">The answer's status; 0 when none came.</param>
public readonly record struct Attempt(long SentAt, long AnsweredAt, string? Key, int Status);
