// Bytez: one image, and what to do when it fails. With no key configured it runs against a Bytez simulator on
// loopback; set BYTEZ_API_KEY_1, BYTEZ_API_KEY_2, ... (or GenerationClients:Bytez) to call https://api.bytez.com.
//
//   dotnet run --project samples/GenResilience.Samples.Bytez                  # SDXL, on the simulator
//   dotnet run --project samples/GenResilience.Samples.Bytez -- stabilityai/sdxl-turbo
using GenResilience;
using GenResilience.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("GenResilience", LogLevel.Information);

// Sample only: no key, so a simulator stands in for Bytez. The first key was revoked, and the model starts cold.
bool configured = builder.Configuration["BYTEZ_API_KEY_1"] is { Length: > 0 } || builder.Configuration["BYTEZ_API_KEY"] is { Length: > 0 }
    || builder.Configuration.GetSection("GenerationClients:Bytez").Exists();
using BytezSimulator? simulator = configured ? null : BytezSimulator.Start()
    .WithKey("test-key-revoked-0001", BytezKeyState.Unauthorized)
    .WithKey("test-key-healthy-0002")
    .Script(BytezSimulator.ImageModel, BytezSimulator.ModelLoading());
if (simulator is not null)
{
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["GenerationClients:Bytez:BaseAddress"] = simulator.BaseAddress.ToString(),
        ["GenerationClients:Bytez:ApiKeys:0"] = "test-key-revoked-0001",
        ["GenerationClients:Bytez:ApiKeys:1"] = "test-key-healthy-0002",
        ["GenerationClients:Bytez:RetryDelays:0"] = "00:00:00.200", // production: 5 s, 15 s, 30 s
    });
}

// What your app has: the clients from configuration (GenerationClients:Bytez, or BYTEZ_API_KEY_1..N).
builder.Services.AddGenerationClients();
using IHost host = builder.Build();
await host.StartAsync(); // options are validated here: a wrong setting stops the app with a message naming it
IBytezClient bytez = host.Services.GetRequiredService<IBytezClient>();

string model = args.FirstOrDefault() ?? "stabilityai/stable-diffusion-xl-base-1.0";
int exitCode;
try
{
    string image = await bytez.GenerateImageAsync(model, "a red fox in fresh snow");
    Console.WriteLine($"{model} image: {image}");
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
        GenerationErrorKind.RateLimited => $"Next: come back after {e.RetryAfter?.ToString() ?? "a few minutes"}, or set MaxConcurrentRequests to the plan's limit.",
        GenerationErrorKind.ModelNotFound => "Next: choose a model id from IBytezClient.ListModelsAsync().",
        GenerationErrorKind.InvalidRequest => "Next: the model refused the input; change the prompt or the parameters.",
        GenerationErrorKind.Unauthorized or GenerationErrorKind.InsufficientCredits => "Next: an operator replaces the keys or adds credits (BYTEZ_API_KEY_n).",
        _ => $"Next: {e.Kind}; log it and let the user try again.",
    });
    exitCode = 1;
}

await host.StopAsync();
return exitCode;
