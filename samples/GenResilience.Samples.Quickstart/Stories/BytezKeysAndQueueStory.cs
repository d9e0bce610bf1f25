using System.Globalization;
using GenResilience.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace GenResilience.Samples.Quickstart;

/// <summary>
/// Bytez: an image call whose first key has been revoked goes through on the second; then a burst of calls is held
/// inside a plan that runs one model at a time, with no 429.
/// </summary>
internal sealed class BytezKeysAndQueueStory(IBytezClient bytez, IOptionsMonitor<GenerationClientsOptions> options, IConfiguration configuration) : IStory
{
    private const string Provider = "Bytez";

    /// <summary>How long the simulated model takes per image, so that the queue has something to hold.</summary>
    private static readonly TimeSpan SimulatedRunTime = TimeSpan.FromMilliseconds(150);

    public string Title => "2. Bytez: a revoked key, then a burst held inside a one-run plan";

    public async Task RunAsync(StoryContext story)
    {
        BytezClientOptions settings = options.CurrentValue.Bytez!;
        string model = configuration["Quickstart:Bytez:Model"] ?? BytezSimulator.ImageModel;
        int burst = configuration.GetValue("Quickstart:Bytez:BurstSize", 10);
        BytezSimulator? simulator = story.Simulators.Bytez;
        string? revoked = null;
        if (simulator is not null)
        {
            revoked = settings.ApiKeys[0];
            simulator.WithKey(revoked, BytezKeyState.Unauthorized);
            simulator.WithModel(model, "text-to-image", SimulatedRunTime);
            simulator.ConcurrencyLimitPerKey = settings.MaxConcurrentRequests;
            story.Say($"{settings.ApiKeys.Count} keys are configured; the first one was revoked yesterday. The plan runs " +
                $"{settings.MaxConcurrentRequests} model at a time and answers 429 to any run beyond that.");
        }

        ProviderCall<string> first = await story.CallAsync(
            Provider,
            "image",
            (_, cancellationToken) => bytez.GenerateImageAsync(model, "a red fox in fresh snow", cancellationToken: cancellationToken),
            (url, log) => url);
        if (revoked is not null)
        {
            story.Say($"Keys used: {first.Log.Keys}. The revoked key cost one cheap key check, not a run; every later call skips it.");
            story.Expect(
                first.Succeeded && first.Log.Attempts == 1 && first.Log.Keys.StartsWith(Fingerprint(revoked) + " (403)", StringComparison.Ordinal),
                "the revoked first key is rejected by its key check and the image is made with the second");
        }

        string plan = settings.MaxConcurrentRequests is { } limit
            ? string.Create(CultureInfo.InvariantCulture, $"MaxConcurrentRequests = {limit}: the client sends {limit} run(s) at a time and queues the rest, instead of drawing 429s")
            : "MaxConcurrentRequests is not set: runs beyond the plan's limit are answered 429 and waited out";
        story.Say($"{burst} users ask at once. {plan}.");
        ProviderCall<int> all = await story.CallAsync(
            Provider,
            $"{burst} images at once",
            async (_, cancellationToken) =>
            {
                string[] urls = await Task.WhenAll(Enumerable.Range(1, burst).Select(i => story.PartAsync(
                    $"image {i}",
                    ct => bytez.GenerateImageAsync(model, $"a red fox in fresh snow, take {i}", cancellationToken: ct))));
                return urls.Length;
            },
            (made, log) => $"{made} of {burst} images, {log.Count(429)} × 429");

        if (simulator is not null)
        {
            story.Say($"The simulated plan refused {simulator.ConcurrencyRefusals} run(s); at most {simulator.PeakConcurrentRuns} ran at once.");
            story.Expect(
                all.Succeeded && all.Log.Count(429) == 0 && simulator.ConcurrencyRefusals == 0 && simulator.PeakConcurrentRuns <= (settings.MaxConcurrentRequests ?? int.MaxValue),
                $"all {burst} images are made inside the plan, with no 429");
        }
    }

    private static string Fingerprint(string key) => "…" + key[^4..];
}
