using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GenResilience.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Samples.Tests.WebApi;

/// <summary>The WebApi sample in-process, its providers on the simulators it starts when no keys are configured.</summary>
public sealed class WebApiTests : IClassFixture<WebApplicationFactory<Program>>
{
    private readonly WebApplicationFactory<Program> _factory;

    public WebApiTests(WebApplicationFactory<Program> factory)
    {
        _factory = factory;
    }

    private SimulatedProviders Simulators => _factory.Services.GetRequiredService<SimulatedProviders>();

    [Fact]
    public async Task PostImage_Bytez_ReturnsTheImage()
    {
        using HttpClient client = _factory.CreateClient();

        using HttpResponseMessage response = await client.PostAsJsonAsync("/images/bytez", new { prompt = "a red fox" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = await ReadAsync(response);
        Assert.Equal("Bytez", body.RootElement.GetProperty("provider").GetString());
        Assert.StartsWith("https://cdn.bytez.com/outputs/", body.RootElement.GetProperty("images")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostVideo_UseApi_ReturnsTheVideo()
    {
        using HttpClient client = _factory.CreateClient();

        using HttpResponseMessage response = await client.PostAsJsonAsync("/videos/useapi", new { prompt = "a red fox", model = "LTX Turbo" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = await ReadAsync(response);
        Assert.Equal("ltxv-turbo", body.RootElement.GetProperty("model").GetString());
        Assert.False(body.RootElement.GetProperty("usedFallback").GetBoolean());
    }

    [Fact]
    public async Task PostImage_ProviderDownWithRetryAfter_503ProblemWithKindUserMessageAndRetryAfter()
    {
        SimulatedResponse down = SimulatedResponse.Json(503, "{\"error\":\"Service Unavailable\",\"output\":null}").WithHeader("Retry-After", "120");
        Simulators.Bytez!.Script(BytezSimulator.FastImageModel, down, down, down, down);
        using HttpClient client = _factory.CreateClient();

        using HttpResponseMessage response = await client.PostAsJsonAsync("/images/bytez", new { prompt = "a red fox", model = BytezSimulator.FastImageModel });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(120), response.Headers.RetryAfter?.Delta);
        using JsonDocument body = await ReadAsync(response);
        Assert.Equal(503, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("ServiceUnavailable", body.RootElement.GetProperty("kind").GetString());
        Assert.Equal("The service is having trouble right now; we retried 3 times. Please try again later.", body.RootElement.GetProperty("userMessage").GetString());
        Assert.Equal("Bytez", body.RootElement.GetProperty("provider").GetString());
    }

    [Fact]
    public async Task PostImage_VelroModelNotInRegistry_422ProblemWithModelNotFound()
    {
        using HttpClient client = _factory.CreateClient();
        int creates = Simulators.Velro!.Creates.Count;

        using HttpResponseMessage response = await client.PostAsJsonAsync("/images/velro", new { prompt = "a cat on a skateboard", model = "gpt-4o-mini" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
        using JsonDocument body = await ReadAsync(response);
        Assert.Equal("ModelNotFound", body.RootElement.GetProperty("kind").GetString());
        Assert.Equal("The selected model is not available. Please choose another model.", body.RootElement.GetProperty("userMessage").GetString());
        Assert.Equal(body.RootElement.GetProperty("userMessage").GetString(), body.RootElement.GetProperty("detail").GetString());
        Assert.Equal(creates, Simulators.Velro.Creates.Count);
    }

    [Fact]
    public async Task PostVideo_Veo2WithoutImage_400ProblemWithFieldErrors()
    {
        using HttpClient client = _factory.CreateClient();

        using HttpResponseMessage response = await client.PostAsJsonAsync("/videos/useapi", new { prompt = "a red fox", model = "veo2" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument body = await ReadAsync(response);
        Assert.Equal("InvalidRequest", body.RootElement.GetProperty("kind").GetString());
        Assert.True(body.RootElement.GetProperty("errors").TryGetProperty("ReferenceImage", out _), body.RootElement.ToString());
    }

    [Fact]
    public async Task PostImage_NoPrompt_400ValidationProblem()
    {
        using HttpClient client = _factory.CreateClient();

        using HttpResponseMessage response = await client.PostAsJsonAsync("/images/bytez", new { prompt = " " });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument body = await ReadAsync(response);
        Assert.Equal("Please enter a prompt.", body.RootElement.GetProperty("errors").GetProperty("prompt")[0].GetString());
    }

    [Theory]
    [InlineData(GenerationErrorKind.InvalidRequest, 400)]
    [InlineData(GenerationErrorKind.ModelNotFound, 422)]
    [InlineData(GenerationErrorKind.ContentRejected, 422)]
    [InlineData(GenerationErrorKind.RateLimited, 429)]
    [InlineData(GenerationErrorKind.JobExpired, 410)]
    [InlineData(GenerationErrorKind.Timeout, 504)]
    [InlineData(GenerationErrorKind.ServiceUnavailable, 503)]
    [InlineData(GenerationErrorKind.Unauthorized, 503)]
    [InlineData(GenerationErrorKind.InsufficientCredits, 503)]
    [InlineData(GenerationErrorKind.NoAccountAvailable, 503)]
    [InlineData(GenerationErrorKind.JobFailed, 502)]
    [InlineData(GenerationErrorKind.Unknown, 502)]
    public void StatusFor_EachKind_IsTheStatusTheCallerSees(GenerationErrorKind kind, int status)
        => Assert.Equal(status, GenResilience.Samples.WebApi.GenerationProblems.StatusFor(kind));

    [Fact]
    public async Task Health_FreshApp_200HealthyWithOneHealthyCheckPerProviderAndNoKey()
    {
        // Its own app: the other tests script failures that may leave a key cooling down.
        await using var factory = new WebApplicationFactory<Program>();
        using HttpClient client = factory.CreateClient();

        using HttpResponseMessage response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        string text = await response.Content.ReadAsStringAsync();
        using JsonDocument body = JsonDocument.Parse(text);
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        JsonElement entries = body.RootElement.GetProperty("entries");
        Assert.Equal(["genresilience-bytez", "genresilience-useapi", "genresilience-velro"], entries.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        foreach (JsonProperty entry in entries.EnumerateObject())
        {
            Assert.Equal("Healthy", entry.Value.GetProperty("status").GetString());
            Assert.Equal(1, entry.Value.GetProperty("data").GetProperty("keys.usable").GetInt32());
        }

        Assert.DoesNotContain("test-useapi-token-0001", text, StringComparison.Ordinal);
        Assert.DoesNotContain("test-bytez-key-0001", text, StringComparison.Ordinal);
        Assert.DoesNotContain("test-velro-token-0001", text, StringComparison.Ordinal);
    }

    private static async Task<JsonDocument> ReadAsync(HttpResponseMessage response)
        => await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
}
