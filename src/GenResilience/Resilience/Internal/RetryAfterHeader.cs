namespace GenResilience.Resilience.Internal;

/// <summary>
/// Reads <c>Retry-After</c> in both of its forms, delta-seconds and HTTP-date, as a wait from <c>now</c>.
/// The header is parsed by <see cref="System.Net.Http.Headers.RetryConditionHeaderValue"/>; only the clock is ours.
/// </summary>
internal static class RetryAfterHeader
{
    public static TimeSpan? Read(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        TimeSpan? wait = header.Delta ?? (header.Date is { } date ? date - now : null);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }
}
