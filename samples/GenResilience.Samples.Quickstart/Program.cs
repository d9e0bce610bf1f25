// Runs the GenResilience pipeline against the built-in provider simulator: no keys, no network.
// It shows the three failures that cost teams the most jobs, and what the pipeline does with each.
using GenResilience;
using GenResilience.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using var simulator = ProviderSimulator.Start();
const string Model = "/models/v2/stabilityai/stable-diffusion-xl-base-1.0";

var services = new ServiceCollection();
services.AddLogging(logging => logging
    .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
    .SetMinimumLevel(LogLevel.Information)
    .AddFilter("Polly", LogLevel.Error)
    .AddFilter("System.Net.Http", LogLevel.Warning));

services.AddHttpClient("Bytez", client => client.BaseAddress = simulator.BaseAddress)
    .AddGenerationResilience(options =>
    {
        // Simulated keys; production reads BYTEZ_API_KEY_1..N or configuration.
        options.ApiKeys = ["test-key-revoked-0001", "test-key-healthy-0002"];
        options.ApiKeyScheme = "Key";

        // Production waits 5 s, 15 s and 30 s; the sample is in a hurry.
        options.RetryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(800)];
        options.RateLimitDelay = TimeSpan.FromMilliseconds(300);
    });

using ServiceProvider provider = services.BuildServiceProvider();
HttpClient bytez = provider.GetRequiredService<IHttpClientFactory>().CreateClient("Bytez");

// 1. The first key was revoked: one 401, then every request goes straight to the healthy key.
simulator.On(HttpMethod.Post, Model, apiKey: "test-key-revoked-0001").Reply(SimulatedResponse.Unauthorized());

// 2. Cloudflare loses the origin twice (522, 523), then the model answers.
// 3. Later the key is rate limited for a second.
simulator.On(HttpMethod.Post, Model).Reply(
    SimulatedResponse.CloudflareError(522, "api.bytez.com"),
    SimulatedResponse.CloudflareError(523, "api.bytez.com"),
    SimulatedResponse.Ok("{\"error\":null,\"output\":\"https://cdn.example.com/fox-1.png\"}"),
    SimulatedResponse.RateLimited(TimeSpan.FromSeconds(1)),
    SimulatedResponse.Ok("{\"error\":null,\"output\":\"https://cdn.example.com/fox-2.png\"}"));

for (int i = 1; i <= 2; i++)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, Model)
    {
        Content = new StringContent($"{{\"text\":\"a red fox, take {i}\"}}", System.Text.Encoding.UTF8, "application/json"),
    };
    request.SetOperationName("image");

    using HttpResponseMessage response = await bytez.SendAsync(request);
    if (!response.IsSuccessStatusCode)
    {
        GenerationException error = await GenerationException.FromResponseAsync(response);
        Console.WriteLine($"Request {i} failed: {error.Message}");
        Console.WriteLine($"  What the user sees: {error.UserMessage}");
        return 1;
    }

    Console.WriteLine($"Request {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
}

Console.WriteLine();
Console.WriteLine($"The simulator saw {simulator.Requests.Count} requests:");
foreach (SimulatedRequest seen in simulator.Requests)
{
    string key = seen.ApiKey is { Length: > 4 } k ? "…" + k[^4..] : "(none)";
    Console.WriteLine($"  {seen} with key {key}");
}

return 0;
