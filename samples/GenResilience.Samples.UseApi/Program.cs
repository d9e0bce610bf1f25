// UseAPI: one video, and what to do when it fails. With no token configured it runs against a UseAPI simulator on
// loopback; set USEAPI_API_TOKEN (or GenerationClients:UseApi) to call https://api.useapi.net.
//
//   dotnet run --project samples/GenResilience.Samples.UseApi                  # LTX Turbo, on the simulator
//   dotnet run --project samples/GenResilience.Samples.UseApi -- "Veo 3.1 Fast"
using GenResilience;
using GenResilience.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("GenResilience", LogLevel.Information);

// Sample only: no token, so a simulator stands in for UseAPI. Its first create meets a Cloudflare 522.
bool configured = builder.Configuration["USEAPI_API_TOKEN"] is { Length: > 0 } || builder.Configuration.GetSection("GenerationClients:UseApi").Exists();
using UseApiSimulator? simulator = configured ? null : UseApiSimulator.Start("test-useapi-token-0001");
if (simulator is not null)
{
    simulator.FailNext(1, 522, "/v1/ltxstudio/videos/");
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["GenerationClients:UseApi:BaseAddress"] = simulator.BaseAddress.ToString(),
        ["GenerationClients:UseApi:ApiKeys:0"] = "test-useapi-token-0001",
        ["GenerationClients:UseApi:RetryDelays:0"] = "00:00:00.200", // production: 5 s, 15 s, 30 s
        ["GenerationClients:UseApi:PollInterval"] = "00:00:00.200",  // production: 10 s
    });
}

// What your app has: the clients from configuration (GenerationClients:UseApi, or USEAPI_API_TOKEN).
builder.Services.AddGenerationClients();
using IHost host = builder.Build();
await host.StartAsync(); // options are validated here: a wrong setting stops the app with a message naming it
IUseApiClient useApi = host.Services.GetRequiredService<IUseApiClient>();

UseApiModel model = UseApiModel.Parse(args.FirstOrDefault() ?? "LTX Turbo");
int exitCode;
try
{
    UseApiVideoResult video = await useApi.GenerateVideoAsync(
        new UseApiVideoRequest { Prompt = "a red fox in fresh snow", Model = model },
        new ConsoleProgress());
    Console.WriteLine($"{video.Model.DisplayName} video: {video.AssetUrl}");
    foreach (string warning in video.Warnings)
    {
        Console.WriteLine($"note: {warning}");
    }

    exitCode = 0;
}
catch (GenerationException e)
{
    // UserMessage is for the person who asked; Message is for your log (what happened, the setting to change, no keys).
    Console.WriteLine($"{e.Kind}. Tell the user: {e.UserMessage}");
    Console.WriteLine($"Log: {e.Message}");
    Console.WriteLine(e.Kind switch
    {
        GenerationErrorKind.ServiceUnavailable or GenerationErrorKind.Timeout => "Next: already retried on the schedule; offer to try later.",
        GenerationErrorKind.RateLimited => $"Next: come back after {e.RetryAfter?.ToString() ?? "a few seconds"}.",
        GenerationErrorKind.InvalidRequest => "Next: fix the request: " + string.Join("; ", e.ValidationErrors.Select(v => $"{v.Field}: {v.Message}")),
        GenerationErrorKind.ContentRejected => "Next: ask the user for another prompt.",
        GenerationErrorKind.Unauthorized or GenerationErrorKind.NoAccountAvailable => "Next: an operator fixes the token or the accounts (GenerationClients:UseApi).",
        GenerationErrorKind.JobFailed or GenerationErrorKind.JobExpired => "Next: start a new generation.",
        _ => $"Next: {e.Kind}; log it and let the user try again.",
    });
    exitCode = 1;
}

await host.StopAsync();
return exitCode;

/// <summary>Prints each change of the job's status as the client polls it.</summary>
internal sealed class ConsoleProgress : IProgress<GenerationProgress>
{
    public void Report(GenerationProgress value) => Console.WriteLine($"  {value}");
}
