using System.Text.Json;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using static GenResilience.Tests.Providers.Bytez.BytezHarness;

namespace GenResilience.Tests.Providers.Bytez;

/// <summary>What goes over the wire for a run, and what comes back to the caller.</summary>
public class BytezRunTests
{
    [Fact]
    public async Task GenerateImageAsync_SendsTextAndParamsWithTheKeyAndReturnsTheAddress()
    {
        using var h = Create();

        string url = await h.Client.GenerateImageAsync(
            BytezSimulator.ImageModel,
            "a red fox",
            new Dictionary<string, object> { ["num_inference_steps"] = 30, ["guidance_scale"] = 7.5 }).Bounded();

        SimulatedRequest run = Assert.Single(h.Simulator.Runs);
        Assert.Equal("https://cdn.bytez.com/outputs/1.png", url);
        Assert.Equal("/models/v2/stabilityai/stable-diffusion-xl-base-1.0", run.Path);
        Assert.Equal("Key " + Key1, run.Headers["Authorization"]);
        Assert.Equal("{\"text\":\"a red fox\",\"params\":{\"num_inference_steps\":30,\"guidance_scale\":7.5}}", run.BodyText);
    }

    [Fact]
    public async Task RunAsync_ChatModel_SendsMessagesAndReturnsTheOutputAndTheRawAnswer()
    {
        using var h = Create();
        h.Simulator.Script(BytezSimulator.ChatModel, BytezSimulator.OutputJson("{\"role\":\"assistant\",\"content\":\"Hello!\"}"));

        BytezResult result = await h.Client.RunAsync(
            BytezSimulator.ChatModel,
            new BytezRequest
            {
                Messages = [new BytezMessage("system", "Be brief."), new BytezMessage("user", "Hi")],
                Params = { ["max_new_tokens"] = 20 },
                Inputs = { ["stream"] = false },
            }).Bounded();

        Assert.Equal(
            "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}],\"params\":{\"max_new_tokens\":20},\"stream\":false}",
            Assert.Single(h.Simulator.Runs).BodyText);
        Assert.Equal(JsonValueKind.Object, result.Output.ValueKind);
        Assert.Equal("Hello!", result.Output.GetProperty("content").GetString());
        Assert.Null(result.OutputText);
        Assert.Null(result.OutputUrl);
        Assert.Equal("{\"error\":null,\"output\":{\"role\":\"assistant\",\"content\":\"Hello!\"}}", result.RawJson);
    }

    [Fact]
    public async Task RunAsync_UrlInput_SendsItAndReturnsAStringOutput()
    {
        using var h = Create();
        h.Simulator.WithModel("Salesforce/blip-image-captioning-base", "image-to-text");

        BytezResult result = await h.Client.RunAsync("Salesforce/blip-image-captioning-base", new BytezRequest { Url = "https://example.com/fox.jpg" }).Bounded();

        Assert.Equal("{\"url\":\"https://example.com/fox.jpg\"}", Assert.Single(h.Simulator.Runs).BodyText);
        Assert.StartsWith("Simulated answer", result.OutputText, StringComparison.Ordinal);
        Assert.Null(result.OutputUrl);
    }

    [Fact]
    public async Task RunAsync_InputRepeatingAField_IsRefusedBeforeAnythingIsSent()
    {
        using var h = Create();

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(
            () => h.Client.RunAsync(BytezSimulator.ChatModel, new BytezRequest { Inputs = { ["text"] = "hi" } })).Bounded();

        Assert.Equal("request.Inputs[\"text\"] repeats a field of BytezRequest; set the property instead. (Parameter 'request')", error.Message);
        Assert.Empty(h.Simulator.Requests);
    }
}
