using System.Globalization;
using System.Text.Json;
using GenResilience.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace GenResilience.Benchmarks.Outage;

/// <summary>
/// Outage recovery: UseAPI creates (<c>IUseApiClient.CreateVideoAsync</c>, the client's defaults: retries after 5, 15
/// and 30 s) sent to a <see cref="UseApiSimulator"/> that answers every endpoint with Cloudflare's 522 for a minute.
/// Time is simulated: the client and the simulator share a <see cref="SimulatedClock"/>, which moves to the next
/// pending wait once no attempt is on the wire and every request is waiting, so the waits are exactly what the
/// client asked for and the run takes seconds, not minutes.
/// </summary>
public static class OutageScenario
{
    /// <summary>The client's two tokens.</summary>
    public static readonly IReadOnlyList<string> Tokens = ["bench-token-outage-0001", "bench-token-outage-0002"];

    private const string PromptPrefix = "outage request ";

    // Longer than any retry delay, shorter than the attempt timeout (60 s): the clock only ever jumps to a retry delay.
    private static readonly TimeSpan Horizon = TimeSpan.FromSeconds(31);

    // On the real clock, how long the run must look settled before the clock moves, and how long before it moves anyway.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan Stuck = TimeSpan.FromSeconds(5);

    /// <summary>Runs every arrival pattern of <paramref name="settings"/>, each on a fresh simulator and client.</summary>
    /// <param name="settings">The outage and the load.</param>
    /// <param name="progress">Told when each run ends, if given.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>One result per arrival pattern.</returns>
    public static async Task<IReadOnlyList<OutageResult>> RunAsync(OutageSettings settings, TextWriter? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var results = new List<OutageResult>();
        foreach (OutageArrivals arrivals in settings.Arrivals)
        {
            OutageResult result = await RunAsync(settings, arrivals, cancellationToken).ConfigureAwait(false);
            progress?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"outage: {arrivals.Name}: {result.SentDuringOutage} requests during the outage, {result.Failed} failed, last success {(result.RecoveryToLastSuccess is { } last ? $"{last.TotalSeconds:0.0} s after recovery" : "none")} ({result.RealTime.TotalSeconds:0.0} s real)"));
            results.Add(result);
        }

        return results;
    }

    private static async Task<OutageResult> RunAsync(OutageSettings settings, OutageArrivals arrivals, CancellationToken cancellationToken)
    {
        long realStart = TimeProvider.System.GetTimestamp();
        var clock = new SimulatedClock(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        using var simulator = UseApiSimulator.Start([.. Tokens]);
        simulator.Clock = clock;
        simulator.AddAccount(UseApiSimulator.DefaultEmail, balance: 1_000_000, maxJobs: 100_000);

        var inFlight = new InFlight();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        var useApi = new UseApiClientOptions { BaseAddress = simulator.BaseAddress, ApiKeys = [.. Tokens] };
        IReadOnlyList<TimeSpan> delays = [.. useApi.RetryDelays];
        services.AddGenerationClients(o => o.UseApi = useApi);

        // Innermost (registered last): counts the attempts on the wire, so the clock never moves under one.
        services.ConfigureAll<HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(b => b.AdditionalHandlers.Add(new InFlightHandler(inFlight))));
        ServiceProvider provider = services.BuildServiceProvider();
        try
        {
            IUseApiClient client = provider.GetRequiredService<IUseApiClient>();
            DateTimeOffset start = clock.GetUtcNow();
            simulator.StartOutage(settings.StatusCode, settings.Outage);

            var outcomes = new (TimeSpan? SucceededAt, GenerationErrorKind? FailedWith)[settings.Requests];
            var calls = new Task?[settings.Requests];
            int completed = 0;
            async Task CallAsync(int index)
            {
                try
                {
                    _ = await client.CreateVideoAsync(new UseApiVideoRequest { Prompt = PromptPrefix + index.ToString(CultureInfo.InvariantCulture), Model = UseApiModel.LtxvTurbo }, cancellationToken).ConfigureAwait(false);
                    outcomes[index] = (clock.GetUtcNow() - start, null);
                }
                catch (GenerationException e)
                {
                    outcomes[index] = (null, e.Kind);
                }
                finally
                {
                    Interlocked.Increment(ref completed);
                }
            }

            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(settings.ClientTimeLimit);
            int forced = await DriveAsync(clock, inFlight, settings, arrivals, start, calls, CallAsync, () => Volatile.Read(ref completed), limit.Token).ConfigureAwait(false);
            await Task.WhenAll(calls.OfType<Task>()).ConfigureAwait(false);

            OutageServed[] served = [.. simulator.Requests.Select(r => new OutageServed(r.ReceivedAt - start, r.Path, r.Response.StatusCode, RequestOf(r)))];
            OutageRequest[] requests = [.. Enumerable.Range(0, settings.Requests).Select(i => new OutageRequest(
                i, arrivals.ArrivalOf(i), outcomes[i].SucceededAt, outcomes[i].FailedWith, [.. served.Where(s => s.Request == i).Select(s => s.At)]))];
            return new OutageResult(arrivals, settings.Outage, delays, requests, served, forced, TimeProvider.System.GetElapsedTime(realStart));
        }
        finally
        {
            // Polly polls the pipeline's clock while it waits for executions to end: keep the clock moving.
            clock.KeepMovingWhile(provider.Dispose);
        }
    }

    /// <summary>
    /// Sends each request at its arrival and moves the clock until every request has ended: to the next arrival or
    /// pending wait, whichever comes first, once no attempt is on the wire and every request started is waiting on
    /// the clock (for a settling moment on the real clock). Returns how many times it had to move the clock without
    /// that (after <see cref="Stuck"/>).
    /// </summary>
    private static async Task<int> DriveAsync(
        SimulatedClock clock, InFlight inFlight, OutageSettings settings, OutageArrivals arrivals, DateTimeOffset start,
        Task?[] calls, Func<int, Task> call, Func<int> completed, CancellationToken cancellationToken)
    {
        int next = 0;
        int forced = 0;
        while (true)
        {
            TimeSpan now = clock.GetUtcNow() - start;
            while (next < calls.Length && arrivals.ArrivalOf(next) <= now)
            {
                int index = next++;
                calls[index] = Task.Run(() => call(index), CancellationToken.None);
            }

            if (completed() == calls.Length && next == calls.Length)
            {
                return forced;
            }

            // Settled: nothing on the wire, every request started and not ended waits on a timer, and nothing changed
            // during a short real pause.
            long stuckSince = TimeProvider.System.GetTimestamp();
            bool settled = false;
            while (!settled)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long version = clock.Version;
                int waiting = next - completed();
                if (Volatile.Read(ref inFlight.Count) == 0 && clock.PendingWithin(Horizon) >= waiting)
                {
                    await Task.Delay(Settle, CancellationToken.None).ConfigureAwait(false);
                    settled = clock.Version == version && Volatile.Read(ref inFlight.Count) == 0 && next - completed() == waiting;
                }
                else
                {
                    await Task.Delay(1, CancellationToken.None).ConfigureAwait(false);
                }

                if (!settled && TimeProvider.System.GetElapsedTime(stuckSince) > Stuck)
                {
                    forced++;
                    break;
                }

                if (completed() == calls.Length && next == calls.Length)
                {
                    return forced;
                }
            }

            TimeSpan? toTimer = clock.NextDue(Horizon);
            TimeSpan? toArrival = next < calls.Length ? arrivals.ArrivalOf(next) - (clock.GetUtcNow() - start) : null;
            TimeSpan? step = (toTimer, toArrival) switch
            {
                ({ } t, { } a) => t < a ? t : a,
                ({ } t, null) => t,
                (null, { } a) => a,
                _ => null,
            };
            if (step is { } by && by > TimeSpan.Zero)
            {
                clock.Advance(by);
            }
            else if (step is null)
            {
                // Nothing is due within the horizon and nothing is left to send: wait for the requests to move.
                await Task.Delay(1, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static int? RequestOf(SimulatedRequest request)
    {
        if (request.Body.Count == 0)
        {
            return null;
        }

        try
        {
            using var body = JsonDocument.Parse(request.BodyText);
            return body.RootElement.TryGetProperty("prompt", out JsonElement prompt) && prompt.GetString() is { } text && text.StartsWith(PromptPrefix, StringComparison.Ordinal)
                ? int.Parse(text.AsSpan(PromptPrefix.Length), CultureInfo.InvariantCulture)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed class InFlight
    {
        public int Count;
    }

    private sealed class InFlightHandler(InFlight counter) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref counter.Count);
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref counter.Count);
            }
        }
    }
}
