using System.Globalization;
using GenResilience.Testing;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace GenResilience.Samples.Quickstart;

/// <summary>
/// Velro: the "503" report's real cause, a model Velro does not have, is refused before any create is sent; a valid
/// request goes out as multipart/form-data and is polled to completion.
/// </summary>
internal sealed class VelroModelCheckStory(IVelroClient velro, IConfiguration configuration) : IStory
{
    private const string Provider = "Velro";

    public string Title => "3. Velro: gpt-4o-mini refused before any request, then a multipart generation polled to completion";

    public async Task RunAsync(StoryContext story)
    {
        string model = configuration["Quickstart:Velro:Model"] ?? "fal-ai/flux-pro/v1.1-ultra";
        VelroSimulator? simulator = story.Simulators.Velro;

        story.Say("The front end asks for [bold]gpt-4o-mini[/], an OpenAI model that Velro does not have. Users were told \"503\".");
        ProviderCall<VelroGeneration> wrong = await story.CallAsync(
            Provider,
            "gpt-4o-mini image",
            (_, cancellationToken) => velro.CreateGenerationAsync(new VelroGenerationRequest("gpt-4o-mini", "a cat on a skateboard"), cancellationToken),
            (generation, log) => generation.ToString());
        if (wrong.Error is { } error)
        {
            story.Say($"[bold]{error.Kind}[/], status {error.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "none: nothing was sent"}. What the user sees: " +
                Markup.Escape(error.UserMessage));
            story.Note(error.Message);
        }

        if (simulator is not null)
        {
            story.Expect(
                wrong.Error?.Kind == GenerationErrorKind.ModelNotFound && wrong.Error.StatusCode is null && simulator.Creates.Count == 0,
                "gpt-4o-mini fails with ModelNotFound before any create is sent");
        }

        story.Say($"The same request with a model from the registry, [bold]{Markup.Escape(model)}[/]:");
        var request = new VelroGenerationRequest(model, "a red fox in fresh snow")
        {
            ImageSize = "landscape_16_9",
            NumImages = 1,
            OutputFormat = "png",
        };
        ProviderCall<VelroGeneration> made = await story.CallAsync(
            Provider,
            model,
            (task, cancellationToken) => velro.GenerateAsync(request, new TaskProgress(task, $"{Provider} {model}"), cancellationToken),
            (generation, log) => string.Join(", ", generation.OutputUrls));

        if (simulator is not null)
        {
            if (simulator.Creates is [.., VelroSimulatedCreate create])
            {
                story.Say(Markup.Escape($"Velro read a multipart form: {string.Join(", ", create.PartNames)}; parameters = {create.Fields.GetValueOrDefault("parameters")}"));
            }

            story.Expect(
                made.Succeeded && made.Result.Status == VelroGenerationStatus.Completed && made.Log.Attempts == 1 && simulator.Creates is [{ IsMultipart: true }],
                "the generation is sent once, as multipart/form-data, and polled until it is completed");
        }
    }
}
