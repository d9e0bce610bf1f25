using System.Net;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;

namespace GenResilience.Tests.Resilience;

public class ServerErrorRetryTests
{
    private const string Path = "/models/v2/stabilityai/sdxl";

    [Fact]
    public async Task SendAsync_Cloudflare522s_RetriesAfter5Then15Then30SecondsExactly()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(
            SimulatedResponse.CloudflareError(522), SimulatedResponse.CloudflareError(522), SimulatedResponse.CloudflareError(523), SimulatedResponse.Ok("{\"output\":\"done\"}"));

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Simulator.WaitForRequestsAsync(1);
        await h.StepThroughWaitsAsync(5, 15, 30);

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"output\":\"done\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal(4, h.Simulator.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_EveryRetryFails_GivesUpAfterThirdRetryWithLastStatus()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(
            SimulatedResponse.CloudflareError(522), SimulatedResponse.Status(500), SimulatedResponse.Status(502), SimulatedResponse.CloudflareError(523));

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        foreach (int seconds in new[] { 5, 15, 30 })
        {
            await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(seconds));
            h.Time.Advance(TimeSpan.FromSeconds(seconds));
        }

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(523, (int)response.StatusCode);
        Assert.Equal(4, h.Simulator.Requests.Count);
        Assert.DoesNotContain(h.Time.PendingDueTimes, d => d > TimeSpan.Zero && d < TimeSpan.FromMinutes(1));

        GenerationException error = await GenerationException.FromResponseAsync(response);
        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal(4, error.Attempts);
        Assert.Equal(523, error.StatusCode);
        Assert.Equal("Bytez", error.Provider);
        Assert.Equal("image", error.Operation);
        Assert.Contains("Origin is unreachable | api.example.com | Cloudflare", error.Message, StringComparison.Ordinal);
        Assert.Contains("GenerationResilienceOptions.RetryDelays", error.Message, StringComparison.Ordinal);
        Assert.Equal("The service is having trouble right now; we retried 3 times. Please try again later.", error.UserMessage);
    }

    [Fact]
    public async Task SendAsync_Retry_LogsWarningNamingProviderOperationStatusDelayAndAttempt()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.CloudflareError(522), SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        h.Time.Advance(TimeSpan.FromSeconds(5));
        using HttpResponseMessage response = await call.Bounded();

        Assert.Equal(["Bytez image: server error 522, retrying in 5s (attempt 1/3)"], h.Warnings("RetryingAfterFailure"));
        Assert.DoesNotContain(h.LogLines, l => l.Contains("<html", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task SendAsync_ClientError_IsNotRetried(int status)
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Json(status, "{\"error\":\"Bad input\",\"code\":" + status + "}"), SimulatedResponse.Ok());

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Single(h.Simulator.Requests);
        Assert.Empty(h.Warnings("RetryingAfterFailure"));
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_RetriesThenThrowsTheLastHttpRequestException()
    {
        using var h = PipelineHarness.Create(o => o.RetryDelays = [TimeSpan.FromSeconds(1)]);
        var closedPort = new Uri("http://127.0.0.1:1/");
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(closedPort, "/x"));

        Task<HttpResponseMessage> call = h.Client.SendAsync(request);
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        h.Time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<HttpRequestException>(() => call.Bounded());
        Assert.StartsWith("Bytez: network error (", Assert.Single(h.Warnings("RetryingAfterFailure")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_CustomRetryStatusCodes_RetriesOnlyThose()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.RetryStatusCodes = [409];
            o.RetryDelays = [TimeSpan.FromSeconds(2)];
        });
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Status(409), SimulatedResponse.Status(503));

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(2));
        h.Time.Advance(TimeSpan.FromSeconds(2));

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal(2, h.Simulator.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_CallerCancelsDuring30SecondBackoff_ThrowsOperationCanceledAtOnce()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.CloudflareError(522));
        using var cts = new CancellationTokenSource();

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path), cts.Token);
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(15));
        h.Time.Advance(TimeSpan.FromSeconds(15));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(30));
        h.Time.Advance(TimeSpan.FromSeconds(10));

        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Bounded());
        Assert.Equal(3, h.Simulator.Requests.Count);
    }
}
