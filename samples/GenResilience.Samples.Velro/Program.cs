// Velro: one image generation, and what to do when it fails. With no Velro configured it runs against a Velro
// simulator on loopback; set GenerationClients:Velro:BaseAddress and GenerationClients:Velro:ApiKeys:0 (your session
// token) to call your Velro API.
//
//   dotnet run --project samples/GenResilience.Samples.Velro                  # FLUX Pro Ultra, on the simulator
//   dotnet run --project samples/GenResilience.Samples.Velro -- gpt-4o-mini   # the "503" report: ModelNotFound, nothing sent
using GenResilience;
using GenResilience.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("GenResilience", LogLevel.Information);

// Sample only: no Velro configured, so a simulator stands in for it. Its first create meets a 503.
using VelroSimulator? simulator = builder.Configuration.GetSection("GenerationClients:Velro").Exists() ? null : VelroSimulator.Start().FailNextCreates(1);
if (simulator is not null)
{
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["GenerationClients:Velro:BaseAddress"] = simulator.BaseAddress.ToString(),
        ["GenerationClients:Velro:ApiKeys:0"] = "test-velro-token-0001",
        ["GenerationClients:Velro:RetryDelays:0"] = "00:00:00.200", // production: 5 s, 15 s, 30 s
        ["GenerationClients:Velro:PollInterval"] = "00:00:00.200",  // production: 3 s
    });
}

// What your app has: the clients from configuration (GenerationClients:Velro).
builder.Services.AddGenerationClients();
using IHost host = builder.Build();
await host.StartAsync(); // options are validated here: a wrong setting stops the app with a message naming it
IVelroClient velro = host.Services.GetRequiredService<IVelroClient>();

var request = new VelroGenerationRequest(args.FirstOrDefault() ?? "fal-ai/flux-pro/v1.1-ultra", "a red fox in fresh snow")
{
    ImageSize = "landscape_16_9",
    OutputFormat = "png",
};
int exitCode;
try
{
    VelroGeneration generation = await velro.GenerateAsync(request, new ConsoleProgress());
    Console.WriteLine($"{request.ModelId} image: {string.Join(", ", generation.OutputUrls)}");
    exitCode = 0;
}
catch (GenerationException e)
{
    // UserMessage is for the person who asked; Message is for your log (what happened, the setting to change, no keys).
    Console.WriteLine($"{e.Kind}. Tell the user: {e.UserMessage}");
    Console.WriteLine($"Log: {e.Message}");
    Console.WriteLine(e.Kind switch
    {
        GenerationErrorKind.ModelNotFound => "Next: use a model id from IVelroClient.GetSupportedModelsAsync(); nothing was charged.",
        GenerationErrorKind.InvalidRequest => "Next: fix the request: " + string.Join("; ", e.ValidationErrors.Select(v => $"{v.Field}: {v.Message}")),
        GenerationErrorKind.InsufficientCredits => "Next: add credits, or choose a cheaper model.",
        GenerationErrorKind.Unauthorized => "Next: sign in again and replace the token (GenerationClients:Velro:ApiKeys).",
        GenerationErrorKind.ServiceUnavailable => $"Next: Velro itself is failing; send request id {e.RequestId} with the support ticket.",
        _ => $"Next: {e.Kind}; log it and let the user try again.",
    });
    exitCode = 1;
}

await host.StopAsync();
return exitCode;

/// <summary>Prints each change of the generation's status as the client polls it.</summary>
internal sealed class ConsoleProgress : IProgress<GenerationProgress>
{
    public void Report(GenerationProgress value) => Console.WriteLine($"  {value.JobId}: {value}");
}
