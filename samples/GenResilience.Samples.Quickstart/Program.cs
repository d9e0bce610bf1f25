// The stories GenResilience exists for. With no keys configured, every provider runs on its simulator on loopback
// (no network, no account); a provider whose keys are configured (USEAPI_API_TOKEN, BYTEZ_API_KEY_1, ...,
// GenerationClients:Velro:*) is called for real, with the production defaults.
using GenResilience;
using GenResilience.Samples;
using GenResilience.Samples.Quickstart;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory, // appsettings.json beside the program, wherever it is started from
});

IAnsiConsole console = QuickstartConsole.Create();
using SimulatedProviders simulators = SimulatedProviders.Start(builder.Configuration);

builder.Logging.ClearProviders().AddProvider(new ConsoleLogProvider(console));
builder.Services.AddGenerationClients();
builder.Services.AddVideoGenerationFailover(
    targets => targets
        .Add(VideoFailoverStory.UseApiTarget, sp => sp.GetRequiredService<IUseApiClient>().AsVideoGenerator("veo-3.1-fast"))
        .Add(VideoFailoverStory.VelroTarget, sp => sp.GetRequiredService<IVelroClient>().AsVideoGenerator("fal-ai/veo3")),
    options => VideoFailoverStory.Bind(builder.Configuration, simulators, options));
builder.Services.AddCallRecording(); // attempts and keys per call, for the summary
builder.Services.AddSingleton(TimeProvider.System); // every wait of the clients, and of the stories, follows it
builder.Services.AddSingleton(console).AddSingleton(simulators).AddSingleton<StoryRunner>();

// The stories, played in this order; each is one class.
builder.Services
    .AddStory<UseApiOutageStory>()
    .AddStory<BytezKeysAndQueueStory>()
    .AddStory<VelroModelCheckStory>()
    .AddStory<VideoFailoverStory>();

using IHost host = builder.Build();
await host.StartAsync();
int exitCode = await host.Services.GetRequiredService<StoryRunner>().RunAsync(
    host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
await host.StopAsync();
return exitCode;
