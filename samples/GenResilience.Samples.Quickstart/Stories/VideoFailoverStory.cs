using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace GenResilience.Samples.Quickstart;

/// <summary>
/// Failover across providers: video requests through <c>AddVideoGenerationFailover</c> (UseAPI's Google Flow, then
/// Velro) find UseAPI in a 522 outage and are served by Velro; UseAPI is passed by while it is out of use, and serves
/// again after its break once it is back.
/// </summary>
internal sealed class VideoFailoverStory(IVideoGenerator videos, IConfiguration configuration) : IStory
{
    /// <summary>The first target: UseAPI's Google Flow.</summary>
    public const string UseApiTarget = "flow veo-3.1-fast";

    /// <summary>The second target: Velro.</summary>
    public const string VelroTarget = "velro veo3";

    private const string Provider = "Failover";
    private const string FlowCreates = "/v1/google-flow/videos";

    public string Title => "4. Failover: UseAPI in an outage, the videos made on Velro, and UseAPI back after its break";

    /// <summary>
    /// The failover's settings: <c>VideoFailover</c>, or <c>Simulated:VideoFailover</c> when UseAPI runs on its
    /// simulator (appsettings.json shortens the break there, as it shortens the clients' delays).
    /// </summary>
    public static void Bind(IConfiguration configuration, SimulatedProviders simulators, GenerationFailoverOptions options)
        => configuration.GetSection(simulators.IsSimulated("UseApi") ? SimulatedProviders.SimulatedSection + ":VideoFailover" : "VideoFailover").Bind(options);

    public async Task RunAsync(StoryContext story)
    {
        var settings = new GenerationFailoverOptions();
        Bind(configuration, story.Simulators, settings);
        if (story.Simulators.UseApi is not { } useApi || story.Simulators.Velro is null)
        {
            story.Say($"One video through the failover: [bold]{UseApiTarget}[/] first, then [bold]{VelroTarget}[/] if UseAPI cannot serve it.");
            await GenerateAsync(story, 1);
            return;
        }

        story.Say($"Targets in order: [bold]{UseApiTarget}[/] (UseAPI), then [bold]{VelroTarget}[/] (Velro). A target that fails twice is passed by for " +
            $"[bold]{StoryContext.Delays([settings.BreakDuration])}[/] (production: 2 min), set in appsettings.json.");

        useApi.StartOutage(522);
        story.Say("UseAPI is down again: every request answers Cloudflare's [yellow]522[/] until further notice.");
        for (int take = 1; take <= 2; take++)
        {
            ProviderCall<VideoGenerationResponse> down = await GenerateAsync(story, take);
            story.Expect(
                ServedBy(down, VelroTarget) && down.Result!.Failover!.Skipped is [{ Target: UseApiTarget, Reason: GenerationFailoverSkipReason.Failed, ErrorKind: GenerationErrorKind.ServiceUnavailable }],
                $"take {take}: UseAPI gives up after its retries, and Velro makes the video");
        }

        int flowCreates = useApi.RequestsUnder(FlowCreates).Count;
        ProviderCall<VideoGenerationResponse> passedBy = await GenerateAsync(story, 3);
        story.Expect(
            ServedBy(passedBy, VelroTarget) && passedBy.Result!.Failover!.Skipped is [{ Target: UseApiTarget, Reason: GenerationFailoverSkipReason.CircuitOpen }]
                && useApi.RequestsUnder(FlowCreates).Count == flowCreates,
            "take 3: UseAPI is out of use and passed by without a request; Velro makes the video");

        useApi.EndOutage();
        story.Say($"UseAPI is back. The failover keeps it out of use for the break ({StoryContext.Delays([settings.BreakDuration])}), then sends it a trial call.");
        await Task.Delay(settings.BreakDuration, story.Time, story.CancellationToken);
        ProviderCall<VideoGenerationResponse> back = await GenerateAsync(story, 4);
        story.Expect(
            ServedBy(back, UseApiTarget) && !back.Result!.Failover!.FailedOver && back.Result.ProviderName == "UseApi",
            "take 4: after the break the trial call goes to UseAPI, which makes the video");
    }

    private static bool ServedBy(ProviderCall<VideoGenerationResponse> call, string target)
        => call.Succeeded && call.Result.Failover?.ServedBy == target;

    private async Task<ProviderCall<VideoGenerationResponse>> GenerateAsync(StoryContext story, int take)
    {
        string operation = $"video, take {take}";
        ProviderCall<VideoGenerationResponse> call = await story.CallAsync(
            Provider,
            operation,
            (task, cancellationToken) => videos.GenerateAsync(
                new VideoGenerationRequest($"a drone over a mountain lake, take {take}"),
                progress: new TaskProgress(task, $"{Provider} {operation}"),
                cancellationToken: cancellationToken),
            (video, log) => Describe(video));
        if (call.Succeeded)
        {
            story.Say(Markup.Escape($"Take {take}: made by {call.Result.ProviderName} {call.Result.ModelId}; {Describe(call.Result)}."));
        }
        else
        {
            story.Say(Markup.Escape($"Take {take}: {call.Error.Kind}: {call.Error.UserMessage}"));
            story.Note(call.Error.Message);
        }

        return call;
    }

    private static string Describe(VideoGenerationResponse video)
        => video.Failover is not { } report
            ? $"made by {video.ProviderName}"
            : report.FailedOver
                ? $"served by {report.ServedBy}, passed by {string.Join(", ", report.Skipped.Select(s => $"{s.Target} ({s.Reason}, {s.ErrorKind})"))}"
                : $"served by {report.ServedBy}";
}
