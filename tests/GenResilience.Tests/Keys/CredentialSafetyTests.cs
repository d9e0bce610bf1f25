using System.Net;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Tests.Keys;

public class CredentialSafetyTests
{
    private const string Path = "/models/v2/stabilityai/sdxl";
    private const string KeyA = "test-key-secret-aaaa-1111";
    private const string KeyB = "test-key-secret-bbbb-2222";

    [Fact]
    public async Task SendAsync_RequestToAnotherHost_CarriesNoKey()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA]);
        using var cdn = ProviderSimulator.Start();
        cdn.On(HttpMethod.Get, "/video/1.mp4").Reply(SimulatedResponse.Status(200, "video-bytes", "video/mp4"));
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());

        using HttpResponseMessage api = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();
        using HttpResponseMessage download = await h.Client.GetAsync(new Uri(cdn.BaseAddress, "/video/1.mp4")).Bounded();

        Assert.Equal(KeyA, Assert.Single(h.Simulator.Requests).ApiKey);
        SimulatedRequest cdnRequest = Assert.Single(cdn.Requests);
        Assert.Null(cdnRequest.ApiKey);
        Assert.DoesNotContain(cdnRequest.Headers.Values, v => v.Contains(KeyA, StringComparison.Ordinal));
        Assert.Equal("video-bytes", await download.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SendAsync_KeysButNoBaseAddress_ThrowsClearConfigurationError()
    {
        using var simulator = ProviderSimulator.Start();
        var services = new ServiceCollection();
        services.AddHttpClient("NoBase").AddGenerationResilience(o => o.ApiKeys = [KeyA]);
        using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("NoBase");

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => client.GetAsync(new Uri(simulator.BaseAddress, "/x")).Bounded());

        Assert.Contains("BaseAddress", error.Message, StringComparison.Ordinal);
        Assert.Empty(simulator.Requests);
    }

    [Fact]
    public async Task Failures_NeverPutKeyTextInLogsOrExceptionMessages()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.ApiKeys = [KeyA, KeyB];
            o.TotalTimeout = TimeSpan.FromSeconds(30);
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
        });
        h.Simulator.On(HttpMethod.Post, Path, KeyA).Reply(SimulatedResponse.Json(401, $"{{\"error\":\"Invalid key {KeyA}\",\"code\":401}}"));
        h.Simulator.On(HttpMethod.Post, Path, KeyB).Reply(SimulatedResponse.RateLimited(TimeSpan.FromMinutes(1)));
        var messages = new List<string>();

        GenerationException rateLimited = await Assert.ThrowsAsync<GenerationException>(() => h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded());
        messages.Add(rateLimited.ToString());

        h.Simulator.On(HttpMethod.Post, Path, KeyB).Reply(SimulatedResponse.Json(401, $"{{\"error\":\"Invalid key {KeyB}\",\"code\":401}}"));
        h.Time.Advance(TimeSpan.FromMinutes(2));
        GenerationException rejected = await Assert.ThrowsAsync<GenerationException>(() => h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded());
        messages.Add(rejected.ToString());

        // A failed response turned into an exception: the server echoed the key, the message must not.
        using var h2 = PipelineHarness.Create(o => o.ApiKeys = [KeyA]);
        h2.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Json(400, $"{{\"error\":\"Key {KeyA} may not use this model\",\"code\":400}}"));
        using HttpResponseMessage response = await h2.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();
        GenerationException fromResponse = await GenerationException.FromResponseAsync(response);
        messages.Add(fromResponse.ToString());
        Assert.Contains("Key …1111 may not use this model", fromResponse.Message, StringComparison.Ordinal);

        IEnumerable<string> everything = messages.Concat(h.LogLines).Concat(h2.LogLines);
        Assert.NotEmpty(h.LogLines);
        foreach (string line in everything)
        {
            Assert.DoesNotContain(KeyA, line, StringComparison.Ordinal);
            Assert.DoesNotContain(KeyB, line, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-aaaa", line, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-bbbb", line, StringComparison.Ordinal);
        }

        Assert.Contains(h.LogLines, l => l.Contains("…1111", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_RetriedRequest_CarriesOnlyTheCurrentKey()
    {
        using var h = PipelineHarness.Create(
            o =>
            {
                o.ApiKeys = [KeyA, KeyB];
                o.ApiKeyHeaderName = "X-Api-Key";
                o.ApiKeyScheme = null;
            },
            simulatorKeyHeader: "X-Api-Key");
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());
        h.Simulator.On(HttpMethod.Post, Path, KeyA).Reply(SimulatedResponse.Unauthorized());

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([KeyA, KeyB], h.Simulator.Requests.Select(r => r.Headers["X-Api-Key"]));
    }

    [Fact]
    public async Task SendAsync_401FromAnotherHost_IsFinalAndDoesNotQuarantineTheKey()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA]);
        using var cdn = ProviderSimulator.Start();
        cdn.On(HttpMethod.Get, "/expired.mp4").Reply(SimulatedResponse.Status(401, "expired link"));
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Ok());

        using HttpResponseMessage download = await h.Client.GetAsync(new Uri(cdn.BaseAddress, "/expired.mp4")).Bounded();
        using HttpResponseMessage api = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        Assert.Equal(HttpStatusCode.Unauthorized, download.StatusCode);
        Assert.Single(cdn.Requests);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(KeyA, Assert.Single(h.Simulator.Requests).ApiKey);
    }

    [Fact]
    public async Task FromResponseAsync_KeyEchoedInValidationErrors_IsRedacted()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [KeyA]);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Json(422, $"{{\"detail\":[{{\"loc\":[\"header\",\"authorization\"],\"msg\":\"Bearer {KeyA} is malformed\"}}]}}"));

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();
        GenerationException error = await GenerationException.FromResponseAsync(response);

        GenerationValidationError problem = Assert.Single(error.ValidationErrors);
        Assert.Equal("Bearer …1111 is malformed", problem.Message);
        Assert.DoesNotContain(KeyA, error.Message, StringComparison.Ordinal);
    }
}
