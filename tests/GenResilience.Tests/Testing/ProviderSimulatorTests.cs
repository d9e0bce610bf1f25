using System.Net;
using System.Net.Http.Headers;
using GenResilience.Testing;

namespace GenResilience.Tests.Testing;

public class ProviderSimulatorTests
{
    [Fact]
    public async Task Reply_PlaysScriptInOrderThenRepeatsTheLastAnswer()
    {
        using var simulator = ProviderSimulator.Start();
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress };
        simulator.On(HttpMethod.Post, "/m").Reply(SimulatedResponse.CloudflareError(522), SimulatedResponse.CloudflareError(523), SimulatedResponse.Ok("{\"ok\":true}"));

        int[] statuses = new int[4];
        for (int i = 0; i < statuses.Length; i++)
        {
            using HttpResponseMessage response = await http.PostAsync("/m", new StringContent("x"));
            statuses[i] = (int)response.StatusCode;
        }

        Assert.Equal([522, 523, 200, 200], statuses);
        Assert.Equal(4, simulator.On(HttpMethod.Post, "/m").Hits);
    }

    [Fact]
    public async Task On_ExactPathAndLongerPrefix_AnswerBeforeACatchAllRegisteredFirst()
    {
        using var simulator = ProviderSimulator.Start();
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress };
        simulator.On(HttpMethod.Get, "/*").Reply(SimulatedResponse.Ok("\"any\""));
        simulator.On(HttpMethod.Get, "/v1/jobs/*").Reply(SimulatedResponse.Ok("\"job\""));
        simulator.On(HttpMethod.Get, "/v1/jobs/expired").Reply(SimulatedResponse.Json(404, "\"gone\""));

        string[] answers = await Task.WhenAll(new[] { "/v1/other", "/v1/jobs/7", "/v1/jobs/expired" }.Select(path => http.GetStringAsync(path).ContinueWith(t => t.IsFaulted ? "404" : t.Result, TaskScheduler.Default)));

        Assert.Equal(["\"any\"", "\"job\"", "404"], answers);
    }

    [Fact]
    public async Task On_KeySpecificRoute_TakesPrecedenceAndRecordsTheKey()
    {
        using var simulator = ProviderSimulator.Start();
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress };
        simulator.On(HttpMethod.Get, "/v1/*").Reply(SimulatedResponse.Ok());
        simulator.On(HttpMethod.Get, "/v1/*", "test-key-revoked").Reply(SimulatedResponse.Unauthorized());

        using var revoked = new HttpRequestMessage(HttpMethod.Get, "/v1/jobs/1?x=1");
        revoked.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "test-key-revoked");
        using var healthy = new HttpRequestMessage(HttpMethod.Get, "/v1/jobs/1");
        healthy.Headers.TryAddWithoutValidation("Authorization", "test-key-bare");

        using HttpResponseMessage first = await http.SendAsync(revoked);
        using HttpResponseMessage second = await http.SendAsync(healthy);

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(["test-key-revoked", "test-key-bare"], simulator.Requests.Select(r => r.ApiKey));
        Assert.Equal("?x=1", simulator.Requests[0].Query);
        Assert.Equal("/v1/jobs/1", simulator.Requests[0].Path);
    }

    [Fact]
    public async Task Answers_CarryHeadersBodiesAndRetryAfter()
    {
        using var simulator = ProviderSimulator.Start();
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress };
        var at = new DateTimeOffset(2026, 1, 1, 0, 1, 0, TimeSpan.Zero);
        simulator.On(HttpMethod.Get, "/a").Reply(SimulatedResponse.RateLimited(TimeSpan.FromSeconds(30)));
        simulator.On(HttpMethod.Get, "/b").Reply(SimulatedResponse.RateLimitedUntil(at));
        simulator.On(HttpMethod.Get, "/c").Reply(SimulatedResponse.CloudflareError(523, "api.useapi.net"));

        using HttpResponseMessage a = await http.GetAsync("/a");
        using HttpResponseMessage b = await http.GetAsync("/b");
        using HttpResponseMessage c = await http.GetAsync("/c");
        using HttpResponseMessage missing = await http.GetAsync("/nope");

        Assert.Equal(TimeSpan.FromSeconds(30), a.Headers.RetryAfter?.Delta);
        Assert.Equal(at, b.Headers.RetryAfter?.Date);
        Assert.Equal("text/html", c.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Origin is unreachable | api.useapi.net | Cloudflare</title>", await c.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Requests_RecordMethodPathHeadersAndBody()
    {
        using var simulator = ProviderSimulator.Start();
        using var http = new HttpClient { BaseAddress = simulator.BaseAddress };

        using HttpResponseMessage response = await http.PostAsync("/upload", new ByteArrayContent([1, 2, 3, 255]));

        SimulatedRequest request = Assert.Single(await simulator.WaitForRequestsAsync(1));
        Assert.Equal("POST", request.Method);
        Assert.Equal([1, 2, 3, 255], request.Body);
        Assert.Equal("4", request.Headers["Content-Length"]);
        Assert.Equal(1, request.Sequence);
        Assert.Equal(simulator.Requests, simulator.RequestsTo("/upload"));
    }

    [Fact]
    public void Start_ListensOnLoopbackOnly()
    {
        using var simulator = ProviderSimulator.Start();

        Assert.Equal("127.0.0.1", simulator.BaseAddress.Host);
        Assert.NotEqual(0, simulator.BaseAddress.Port);
    }
}
