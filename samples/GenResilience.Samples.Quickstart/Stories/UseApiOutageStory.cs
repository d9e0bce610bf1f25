using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace GenResilience.Samples.Quickstart;

/// <summary>
/// UseAPI: a video job that meets a Cloudflare 522/523 outage and is retried on the schedule; then VEO goes down, its
/// requests are served on LTX Turbo (emergency mode), and VEO is used again once it is back.
/// </summary>
internal sealed class UseApiOutageStory(IUseApiClient useApi, IOptionsMonitor<GenerationClientsOptions> options, IConfiguration configuration) : IStory
{
    private const string Provider = "UseApi";
    private const string VideoCreates = "/v1/ltxstudio/videos/";
    private const string VeoCreate = "/v1/ltxstudio/videos/veo-create";

    public string Title => "1. UseAPI: a 522/523 outage ridden out, VEO degraded to LTX and back";

    public async Task RunAsync(StoryContext story)
    {
        UseApiClientOptions settings = options.CurrentValue.UseApi!;
        if (story.Simulators.UseApi is not { } simulator)
        {
            await RunLiveAsync(story);
            return;
        }

        story.Say($"Retries after [bold]{StoryContext.Delays(settings.RetryDelays)}[/] (production: 5s, 15s, 30s), VEO's emergency break " +
            $"[bold]{StoryContext.Delays([settings.EmergencyBreakDuration])}[/] (production: 2 min): set in appsettings.json, nothing else differs.");

        // A job meets an outage: Cloudflare loses the origin for two creates.
        simulator.FailNext(1, 522, VideoCreates);
        simulator.FailNext(1, 523, VideoCreates);
        story.Say("Cloudflare loses UseAPI's origin: the next two creates get a [yellow]522[/] and a [yellow]523[/] page.");
        ProviderCall<UseApiVideoResult> ltx = await GenerateAsync(story, UseApiModel.LtxvTurbo);
        story.Expect(ltx.Succeeded && ltx.Log.Attempts == 3, "the LTX Turbo video is made on the third create");

        // VEO goes down and stays down: emergency mode.
        simulator.StartOutage(522, only: [VeoCreate]);
        story.Say("Now VEO goes down: every [bold]veo-create[/] answers 522 until further notice.");
        ProviderCall<UseApiVideoResult> first = await GenerateAsync(story, UseApiModel.Veo3);
        story.Expect(first.Succeeded && first.Result.UsedFallback && first.Log.Attempts == 5, "VEO is tried 4 times, then the video is made on LTX Turbo");
        SayHealth(story);

        ProviderCall<UseApiVideoResult> second = await GenerateAsync(story, UseApiModel.Veo3);
        story.Expect(second.Succeeded && second.Result.UsedFallback, "the second VEO request fails over too, and VEO's circuit opens");

        ProviderCall<UseApiVideoResult> third = await GenerateAsync(story, UseApiModel.Veo3);
        story.Expect(third.Succeeded && third.Result.UsedFallback && third.Log.Attempts == 1, "with the circuit open, VEO requests go straight to LTX Turbo");
        SayHealth(story);

        // VEO comes back; after the break one trial call goes to VEO, and VEO is in use again.
        simulator.EndOutage();
        story.Say($"VEO is back. The client keeps it out of use for the break ({StoryContext.Delays([settings.EmergencyBreakDuration])}), then lets a trial VEO call through.");
        await Task.Delay(settings.EmergencyBreakDuration, story.Time, story.CancellationToken);
        ProviderCall<UseApiVideoResult> back = await GenerateAsync(story, UseApiModel.Veo3);
        story.Expect(back.Succeeded && !back.Result.UsedFallback && back.Result.Model == UseApiModel.Veo3, "after the break the video is made on VEO3 again");
        SayHealth(story);
        story.Expect(useApi.Health[UseApiModelFamily.Veo].State == UseApiFamilyState.Healthy, "VEO is healthy again");
    }

    private async Task RunLiveAsync(StoryContext story)
    {
        UseApiModel model = UseApiModel.Parse(configuration["Quickstart:UseApi:LiveModel"] ?? "veo-3.1-fast");
        story.Say($"The real UseAPI: one {Markup.Escape(model.DisplayName)} video. An outage, if there is one now, is ridden out on the configured schedule.");
        await GenerateAsync(story, model);
        SayHealth(story);
    }

    private Task<ProviderCall<UseApiVideoResult>> GenerateAsync(StoryContext story, UseApiModel model)
        => story.CallAsync(
            Provider,
            model.DisplayName + " video",
            (task, cancellationToken) => useApi.GenerateVideoAsync(
                new UseApiVideoRequest { Prompt = "a red fox in fresh snow", Model = model },
                new TaskProgress(task, $"{Provider} {model.DisplayName} video"),
                cancellationToken),
            (video, log) => video.UsedFallback
                ? $"made on {video.Model.DisplayName} (emergency fallback for {video.RequestedModel.DisplayName})"
                : $"made on {video.Model.DisplayName}");

    private void SayHealth(StoryContext story)
    {
        UseApiFamilyHealth veo = useApi.Health[UseApiModelFamily.Veo];
        string color = veo.State == UseApiFamilyState.Healthy ? "green" : "yellow";
        story.Say($"VEO health: [{color}]{veo.State}[/] since {veo.Since.ToLocalTime():HH:mm:ss.f}");
    }
}
