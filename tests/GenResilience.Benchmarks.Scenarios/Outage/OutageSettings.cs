namespace GenResilience.Benchmarks.Outage;

/// <summary>When the requests of an outage run arrive, from the start of the outage.</summary>
/// <param name="Name">How the tables name it.</param>
/// <param name="FirstArrival">When the first request is sent, after the outage began.</param>
/// <param name="Spacing">The time between two requests' arrivals; zero sends them all at once.</param>
public sealed record OutageArrivals(string Name, TimeSpan FirstArrival, TimeSpan Spacing)
{
    /// <summary>When request <paramref name="index"/> is sent, after the outage began.</summary>
    /// <param name="index">The request, from 0.</param>
    /// <returns>Its arrival.</returns>
    public TimeSpan ArrivalOf(int index) => FirstArrival + (Spacing * index);
}

/// <summary>The outage scenario: the outage, the load and the schedule of the client.</summary>
/// <param name="Requests">Logical requests (UseAPI creates) per run.</param>
/// <param name="Outage">How long every endpoint answers 522.</param>
/// <param name="StatusCode">The outage's status: Cloudflare's 522.</param>
/// <param name="Arrivals">The runs, one per arrival pattern.</param>
/// <param name="ClientTimeLimit">A bound on one run on the real clock.</param>
public sealed record OutageSettings(int Requests, TimeSpan Outage, int StatusCode, IReadOnlyList<OutageArrivals> Arrivals, TimeSpan ClientTimeLimit)
{
    /// <summary>Gets the scenario of issue 12: 100 requests during a 60 s 522 outage, sent at its start, across it, and halfway through it.</summary>
    public static OutageSettings Full { get; } = new(100, TimeSpan.FromSeconds(60), 522, Patterns(100, TimeSpan.FromSeconds(60)), TimeSpan.FromMinutes(5));

    /// <summary>Gets the same scenario: in simulated time it takes seconds.</summary>
    public static OutageSettings Quick { get; } = Full;

    /// <summary>The three arrival patterns: all at the start, evenly across the outage, all halfway through.</summary>
    /// <param name="requests">Requests per run.</param>
    /// <param name="outage">The outage's length.</param>
    /// <returns>The patterns.</returns>
    public static IReadOnlyList<OutageArrivals> Patterns(int requests, TimeSpan outage) =>
    [
        new($"{requests} at once when the outage begins", TimeSpan.Zero, TimeSpan.Zero),
        new($"{requests} spread evenly across the outage (one every {(outage / requests).TotalSeconds:0.0#} s)", TimeSpan.Zero, outage / requests),
        new($"{requests} at once, {(outage / 2).TotalSeconds:0} s into the outage", outage / 2, TimeSpan.Zero),
    ];
}
