using GenResilience.Benchmarks.Clients;
using GenResilience.Benchmarks.Server;

namespace GenResilience.Benchmarks.RateLimit;

/// <summary>One client's run of the rate-limit scenario, seen from the callers and from the provider.</summary>
/// <param name="Client">The client that ran.</param>
/// <param name="Ideal">The makespan at the provider's full rate for the client's keys.</param>
/// <param name="Load">What the callers saw.</param>
/// <param name="Served">Every request the provider answered, in the order they arrived.</param>
/// <param name="Attempts">Every attempt the client sent, as its innermost handler saw it.</param>
public sealed record RateLimitResult(RateLimitClient Client, TimeSpan Ideal, LoadResult Load, IReadOnlyList<ServedRequest> Served, IReadOnlyList<Attempt> Attempts)
{
    /// <summary>Gets the makespan over the ideal makespan.</summary>
    public double MakespanRatio => Load.Makespan / Ideal;

    /// <summary>Gets whether the client met its target of issue 5; <see langword="null"/> when it is held to none.</summary>
    public bool? TargetMet => Client.Target switch
    {
        RateLimitTarget.Adaptive => MakespanRatio <= 1.5 && RateLimitedShare <= 0.10 && Load.Failed == 0,
        RateLimitTarget.KnownRate => MakespanRatio <= 1.05 && RateLimited == 0 && Load.Failed == 0,
        _ => null,
    };

    /// <summary>Gets how many requests the provider answered in all, retries included.</summary>
    public int ServerRequests => Served.Count;

    /// <summary>Gets how many 429s the provider answered.</summary>
    public int RateLimited => Served.Count(r => r.Status == 429);

    /// <summary>Gets the 429s per request of the load (<see cref="RateLimited"/> / requests).</summary>
    public double RateLimitedShare => (double)RateLimited / (Load.Succeeded + Load.Failed);

    /// <summary>
    /// Gets the 429s of the first burst: on each key, those the client had sent before the answer to that key's first
    /// 429 came back, so before it could know of any limit. No client that does not know the plan in advance avoids them.
    /// </summary>
    public int FirstBurstRateLimited
    {
        get
        {
            int count = 0;
            foreach (IGrouping<string?, Attempt> key in Attempts.GroupBy(a => a.Key))
            {
                long? firstKnown = key.Where(a => a.Status == 429).Select(a => (long?)a.AnsweredAt).Min();
                if (firstKnown is { } known)
                {
                    count += key.Count(a => a.Status == 429 && a.SentAt < known);
                }
            }

            return count;
        }
    }

    /// <summary>Gets the provider's answers per whole second since the start: how many 200s and how many 429s arrived in each.</summary>
    /// <returns>One entry per second, from the first to the last request.</returns>
    public IReadOnlyList<(int Ok, int RateLimited)> PerSecond()
    {
        if (Served.Count == 0)
        {
            return [];
        }

        var seconds = new (int Ok, int RateLimited)[(int)Served.Max(r => r.ArrivedAt).TotalSeconds + 1];
        foreach (ServedRequest r in Served)
        {
            ref (int Ok, int RateLimited) second = ref seconds[(int)r.ArrivedAt.TotalSeconds];
            if (r.Status == 429)
            {
                second.RateLimited++;
            }
            else
            {
                second.Ok++;
            }
        }

        return seconds;
    }
}
