// The packages as users get them: GenResilience, GenResilience.Testing and GenResilience.AI restored from .nupkg files,
// the provider clients from AddGenerationClients(), one call per provider against the simulators. Exit code 0 only
// if every provider gave the expected outcome.
using GenResilience;
using GenResilience.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using UseApiSimulator useApiSimulator = UseApiSimulator.Start("test-useapi-token-0001");
useApiSimulator.FailNext(1, 522, "/v1/ltxstudio/videos/");   // one Cloudflare 522, retried
using BytezSimulator bytezSimulator = BytezSimulator.Start()
    .WithKey("test-key-revoked-0001", BytezKeyState.Unauthorized)   // quarantined at the first 403
    .WithKey("test-key-healthy-0002");
using VelroSimulator velroSimulator = VelroSimulator.Start();

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["GenerationClients:UseApi:BaseAddress"] = useApiSimulator.BaseAddress.ToString(),
    ["GenerationClients:UseApi:ApiKeys:0"] = "test-useapi-token-0001",
    ["GenerationClients:UseApi:RetryDelays:0"] = "00:00:00.100",
    ["GenerationClients:UseApi:PollInterval"] = "00:00:00.100",
    ["GenerationClients:Bytez:BaseAddress"] = bytezSimulator.BaseAddress.ToString(),
    ["GenerationClients:Bytez:ApiKeys:0"] = "test-key-revoked-0001",
    ["GenerationClients:Bytez:ApiKeys:1"] = "test-key-healthy-0002",
    ["GenerationClients:Bytez:RetryDelays:0"] = "00:00:00.100",
    ["GenerationClients:Velro:BaseAddress"] = velroSimulator.BaseAddress.ToString(),
    ["GenerationClients:Velro:ApiKeys:0"] = "test-velro-token-0001",
    ["GenerationClients:Velro:RetryDelays:0"] = "00:00:00.100",
    ["GenerationClients:Velro:PollInterval"] = "00:00:00.100",
});
builder.Services.AddGenerationClients();
using IHost host = builder.Build();
await host.StartAsync();

int failures = 0;
async Task Check(string provider, Func<Task<string?>> call)
{
    try
    {
        string? problem = await call();
        Console.WriteLine(problem is null ? $"ok   {provider}" : $"FAIL {provider}: {problem}");
        failures += problem is null ? 0 : 1;
    }
    catch (Exception e)
    {
        Console.WriteLine($"FAIL {provider}: {e.GetType().Name}: {e.Message}");
        failures++;
    }
}

// UseAPI, through the typed client: a video job that meets a 522 on create, is retried and polled to completion.
await Check("UseAPI video (IUseApiClient, one 522 retried)", async () =>
{
    IUseApiClient useApi = host.Services.GetRequiredService<IUseApiClient>();
    UseApiVideoResult video = await useApi.GenerateVideoAsync(new UseApiVideoRequest { Prompt = "a red fox in fresh snow", Model = UseApiModel.Parse("LTX Turbo") });
    int creates = useApiSimulator.RequestsUnder("/v1/ltxstudio/videos/").Count(r => r.Method == "POST");
    return video.AssetUrl is null ? "no asset URL"
        : creates < 2 ? $"expected the 522 to be retried, saw {creates} create(s)"
        : null;
});

// Bytez, through the typed client: the first key is revoked (403), quarantined, and the image is made with the second.
await Check("Bytez image (IBytezClient, revoked key passed over)", async () =>
{
    IBytezClient bytez = host.Services.GetRequiredService<IBytezClient>();
    string image = await bytez.GenerateImageAsync(BytezSimulator.ImageModel, "a red fox in fresh snow");
    bool rotated = bytezSimulator.Requests.Any(r => r.ApiKey == "test-key-revoked-0001")
        && bytezSimulator.Runs.Count > 0 && bytezSimulator.Runs[^1].ApiKey == "test-key-healthy-0002";
    return string.IsNullOrEmpty(image) ? "empty output" : !rotated ? "the revoked key was not tried and passed over for the healthy one" : null;
});

// Velro, through GenResilience.AI: Microsoft.Extensions.AI's IImageGenerator over the Velro client.
await Check("Velro image (IImageGenerator from GenResilience.AI)", async () =>
{
    IImageGenerator images = host.Services.GetRequiredService<IVelroClient>().AsImageGenerator("fal-ai/flux-pro/v1.1-ultra");
    ImageGenerationResponse response = await images.GenerateAsync(new ImageGenerationRequest("a red fox in fresh snow"));
    return response.Contents.Count == 0 ? "no image" : null;
});

await host.StopAsync();
Console.WriteLine(failures == 0 ? "package smoke: all providers answered as expected" : $"package smoke: {failures} provider(s) failed");
return failures == 0 ? 0 : 1;
