// The shipped libraries trimmed: this app is published with PublishTrimmed (see TrimSmoke.csproj and run.sh) and then
// run. It binds the provider options from configuration, validates them on start, makes a Bytez call and an
// IImageGenerator call through the whole pipeline against a loopback server of its own (the GenResilience.Testing
// simulators are WireMock.Net servers, which are not trimmable), and reads the health checks. Exit code 0 only if
// every check passed.
using System.Drawing;
using GenResilience;
using GenResilience.TrimSmoke;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

const string RevokedKey = "test-key-revoked-0001";
const string HealthyKey = "test-key-healthy-0002";
const string Model = "stabilityai/stable-diffusion-xl-base-1.0";

using var bytez = new LoopbackBytez(revokedKey: RevokedKey);

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["GenerationClients:Bytez:BaseAddress"] = bytez.BaseAddress.ToString(),
    ["GenerationClients:Bytez:ApiKeys:0"] = RevokedKey,
    ["GenerationClients:Bytez:ApiKeys:1"] = HealthyKey,
    ["GenerationClients:Bytez:RetryDelays:0"] = "00:00:00.010",
    ["GenerationClients:Bytez:ValidateModelIds"] = "false",
    ["GenerationClients:UseApi:BaseAddress"] = bytez.BaseAddress.ToString(),
    ["GenerationClients:UseApi:ApiKeys:0"] = "test-useapi-token-0001",
    ["GenerationClients:UseApi:FallbackModel"] = "LTX Video",
    ["GenerationClients:UseApi:PollInterval"] = "00:00:02",
    ["GenerationClients:Velro:BaseAddress"] = bytez.BaseAddress.ToString(),
    ["GenerationClients:Velro:ApiKeys:0"] = "test-velro-token-0001",
    ["GenerationClients:Velro:JobTimeout"] = "00:05:00",
});
builder.Services.AddGenerationClients();
builder.Services.AddHealthChecks().AddGenerationClientsHealthChecks();
using IHost host = builder.Build();

var failures = new List<string>();
void Check(string what, bool passed, string detail)
{
    Console.WriteLine(passed ? $"ok   {what}" : $"FAIL {what}: {detail}");
    if (!passed)
    {
        failures.Add(what);
    }
}

async Task CheckAsync(string what, Func<Task<(bool Passed, string Detail)>> check)
{
    try
    {
        (bool passed, string detail) = await check();
        Check(what, passed, detail);
    }
    catch (Exception e)
    {
        Check(what, false, $"{e.GetType().Name}: {e.Message}");
    }
}

// Validation on start: the source-generated validators and the TimeSpan range attributes.
await CheckAsync("options validated on start", async () =>
{
    await host.StartAsync();
    return (true, "");
});

// The configuration binding source generator, and FallbackModel read by hand.
GenerationClientsOptions bound = host.Services.GetRequiredService<IOptionsMonitor<GenerationClientsOptions>>().CurrentValue;
Check("options bound from configuration",
    bound.UseApi?.FallbackModel == UseApiModel.Ltxv && bound.UseApi.PollInterval == TimeSpan.FromSeconds(2)
        && bound.Bytez?.ApiKeys.Count == 2 && bound.Bytez.RetryDelays.SequenceEqual([TimeSpan.FromMilliseconds(10)]) && !bound.Bytez.ValidateModelIds
        && bound.Velro?.JobTimeout == TimeSpan.FromMinutes(5),
    $"UseApi {bound.UseApi?.FallbackModel}/{bound.UseApi?.PollInterval}, Bytez {bound.Bytez?.ApiKeys.Count} keys/{string.Join(",", bound.Bytez?.RetryDelays ?? [])}, Velro {bound.Velro?.JobTimeout}");

// An out-of-range TimeSpan is refused with RangeAttribute's message.
Check("out-of-range options refused", RefusedMessage() is { } message && message.Contains("The field GenerationResilienceOptions.RejectedKeyCooldown must be between 00:00:01 and 7.00:00:00.", StringComparison.Ordinal), RefusedMessage() ?? "accepted");

// The pipeline: a key check that quarantines the revoked key, a 522 retried after 10 ms, the image made with the healthy key.
await CheckAsync("Bytez image (522 retried, revoked key passed over)", async () =>
{
    string image = await host.Services.GetRequiredService<IBytezClient>().GenerateImageAsync(Model, "a red fox in fresh snow");
    LoopbackRequest[] runs = [.. bytez.Requests.Where(r => r.Method == "POST")];
    return (image == LoopbackBytez.ImageAddress(2) && runs.Length == 2 && runs.All(r => r.ApiKey == HealthyKey)
            && bytez.Requests.Any(r => r.Method == "GET" && r.ApiKey == RevokedKey),
        $"image {image}, runs {string.Join(", ", runs.Select(r => r.ApiKey))}");
});

// GenResilience.AI: Microsoft.Extensions.AI's IImageGenerator over the Bytez client, with parameters in the JSON body.
await CheckAsync("IImageGenerator over Bytez (GenResilience.AI)", async () =>
{
    using IImageGenerator images = host.Services.GetRequiredService<IBytezClient>().AsImageGenerator(Model);
    ImageGenerationResponse response = await images.GenerateAsync(new ImageGenerationRequest("a red fox in fresh snow"), new ImageGenerationOptions { ImageSize = new Size(512, 384) });
    string body = bytez.Requests.Last(r => r.Method == "POST").Body;
    return (response.Contents is [UriContent { Uri: var uri }] && uri == new Uri(LoopbackBytez.ImageAddress(3))
            && body.Contains("\"width\":512", StringComparison.Ordinal) && body.Contains("\"height\":384", StringComparison.Ordinal),
        $"{response.Contents.Count} content(s), body {body}");
});

// Health checks: Bytez is degraded (one key quarantined), the others healthy (nothing learned yet).
await CheckAsync("health checks", async () =>
{
    HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
    string statuses = string.Join(", ", report.Entries.Select(e => $"{e.Key} {e.Value.Status}"));
    return (report.Entries.Count == 3 && report.Entries["genresilience-bytez"].Status == HealthStatus.Degraded
            && report.Entries["genresilience-useapi"].Status == HealthStatus.Healthy,
        statuses);
});

await host.StopAsync();
Console.WriteLine(failures.Count == 0 ? "trim smoke: all checks passed" : $"trim smoke: {failures.Count} check(s) failed");
return failures.Count == 0 ? 0 : 1;

static string? RefusedMessage()
{
    IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["R:RejectedKeyCooldown"] = "00:00:00" }).Build();
    var services = new ServiceCollection();
    services.AddHttpClient("Images", c => c.BaseAddress = new Uri("https://api.example.com")).AddGenerationResilience(configuration.GetSection("R"));
    using ServiceProvider provider = services.BuildServiceProvider();
    try
    {
        provider.GetRequiredService<IStartupValidator>().Validate();
        return null;
    }
    catch (OptionsValidationException e)
    {
        return e.Message;
    }
}
