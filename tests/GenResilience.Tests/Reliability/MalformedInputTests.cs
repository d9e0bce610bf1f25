using System.Globalization;
using System.Net;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using GenResilience.Tests.Providers.UseApi;
using GenResilience.Tests.Providers.Velro;

namespace GenResilience.Tests.Reliability;

/// <summary>What a confused proxy, a half-deployed API or a broken server can send: each yields a typed error or a bounded wait.</summary>
public class MalformedInputTests
{
    private const string LtxCreate = "/v1/ltxstudio/videos/ltx-create";

    public static TheoryData<string, string> BadSuccessBodies => new()
    {
        { "HTML where JSON is expected", "<!DOCTYPE html><html><body>Welcome to nginx!</body></html>" },
        { "a truncated body", "{\"jobId\":\"email:a@example.com:12" },
        { "an empty body", string.Empty },
        { "JSON null", "null" },
        { "the wrong JSON shape", "[1, 2, 3]" },
    };

    [Theory]
    [MemberData(nameof(BadSuccessBodies))]
    public async Task UseApiCreate_200WithABadBody_TypedErrorThatSaysSo(string what, string body)
    {
        using var h = UseApiHarness.Create();
        h.Simulator.Server.On(HttpMethod.Post, LtxCreate).Reply(SimulatedResponse.Status(200, body, "text/html"));

        GenerationException error = await h.FailsAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = what }));

        Assert.Equal(GenerationErrorKind.Unknown, error.Kind);
        Assert.Equal(200, error.StatusCode);
        Assert.Contains("not the expected JSON", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<html>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseApiPoll_HtmlInsteadOfTheJob_TypedErrorAndNoCrash()
    {
        using var h = UseApiHarness.Create();
        UseApiJob job = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));
        h.Simulator.Server.On(HttpMethod.Get, "/v1/ltxstudio/assets/*").Reply(SimulatedResponse.Status(200, "<html>maintenance</html>", "text/html"));

        GenerationException error = await h.FailsAsync(h.Client.WaitForCompletionAsync(job));

        Assert.Equal(GenerationErrorKind.Unknown, error.Kind);
        Assert.Equal("job", error.Operation);
    }

    [Fact]
    public async Task UseApiCreate_500WithA10MegabyteBody_ServiceUnavailableWithAShortMessage()
    {
        using var h = UseApiHarness.Create();
        string huge = "{\"error\":\"" + new string('x', 10 * 1024 * 1024) + "\",\"code\":500}";
        h.Simulator.Server.On(HttpMethod.Post, LtxCreate).Reply(SimulatedResponse.Json(500, huge));

        GenerationException error = await h.FailsAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal(4, error.Attempts);
        Assert.InRange(error.Message.Length, 1, 2_000);
    }

    [Fact]
    public async Task VelroCreate_200ThatIsNotJson_TypedError()
    {
        using var h = VelroHarness.Create();
        h.Velro.Server.On(HttpMethod.Post, VelroSimulator.GenerationsPath).Reply(SimulatedResponse.Status(200, "OK", "text/plain"));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.RunAsync(h.Client.CreateGenerationAsync(VelroHarness.Image())));

        Assert.Equal(200, error.StatusCode);
        Assert.NotEqual(GenerationErrorKind.ServiceUnavailable, error.Kind);
    }

    public static TheoryData<string, string> BadRetryAfters => new()
    {
        { "negative", "-5" },
        { "not a number", "soon" },
        { "a decimal", "1.5" },
        { "huge", "99999999" },
        { "a date in the past", DateTimeOffset.UnixEpoch.ToString("r", CultureInfo.InvariantCulture) },
        { "a date far in the future", new DateTimeOffset(2999, 1, 1, 0, 0, 0, TimeSpan.Zero).ToString("r", CultureInfo.InvariantCulture) },
        { "empty", " " },
    };

    [Theory]
    [MemberData(nameof(BadRetryAfters))]
    public async Task RateLimit_OddRetryAfter_WaitIsBoundedByMaxRetryAfterAndTheRequestSucceeds(string what, string retryAfter)
    {
        using var h = PipelineHarness.Create(o => (o.ApiKeys, o.MaxRetryAfter) = (["test-key-1"], TimeSpan.FromMinutes(2)));
        h.Simulator.On(HttpMethod.Post, "/m").Reply(SimulatedResponse.Status(429, "{\"error\":\"slow down\"}", "application/json").WithHeader("Retry-After", retryAfter), SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post("/m"));
        await h.RunUntilAsync(call, horizon: TimeSpan.FromMinutes(2));
        using HttpResponseMessage response = await call;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        TimeSpan waited = h.Simulator.Requests[1].ReceivedAt - h.Simulator.Requests[0].ReceivedAt;
        Assert.True(waited >= TimeSpan.Zero && waited <= TimeSpan.FromMinutes(2), $"Retry-After {what} ('{retryAfter}'): waited {waited}");
    }
}
