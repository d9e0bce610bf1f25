using System.Net;
using System.Text;

namespace GenResilience.Tests.Errors;

public class GenerationExceptionTests
{
    private static HttpResponseMessage Response(int status, string body, string contentType = "application/json")
        => new((HttpStatusCode)status)
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
            RequestMessage = new HttpRequestMessage(HttpMethod.Post, "https://api.useapi.net/v1/ltxstudio/videos/veo-create"),
        };

    [Fact]
    public async Task FromResponseAsync_UseApiError_ReadsErrorAndCode()
    {
        using HttpResponseMessage response = Response(412, "{\"error\":\"Parameter startAssetId (x) has incorrect format\",\"code\":412}");

        GenerationException error = await GenerationException.FromResponseAsync(response, "UseApi");

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        Assert.Equal("UseApi", error.Provider);
        Assert.Equal(412, error.StatusCode);
        Assert.Equal("412", error.ErrorCode);
        Assert.Equal(1, error.Attempts);
        Assert.Equal("UseApi failed with 412 (PreconditionFailed) after 1 attempt: Parameter startAssetId (x) has incorrect format.", error.Message);
    }

    [Fact]
    public async Task FromResponseAsync_CloudflareHtml_UsesPageTitle()
    {
        const string Html = "<!DOCTYPE html><html><head><title>Connection timed out | api.useapi.net | Cloudflare</title></head><body><h1>522</h1></body></html>";
        using HttpResponseMessage response = Response(522, Html, "text/html");

        GenerationException error = await GenerationException.FromResponseAsync(response);

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal("api.useapi.net", error.Provider);
        Assert.StartsWith("api.useapi.net failed with 522 (Cloudflare: connection timed out) after 1 attempt: Connection timed out | api.useapi.net | Cloudflare.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromResponseAsync_FastApi422_ParsesValidationErrors()
    {
        using HttpResponseMessage response = Response(422, "{\"detail\":[{\"loc\":[\"body\",\"model_id\"],\"msg\":\"Field required\",\"type\":\"missing\"},{\"loc\":[\"body\",\"prompt\"],\"msg\":\"Field required\",\"type\":\"missing\"}]}");

        GenerationException error = await GenerationException.FromResponseAsync(response, "Velro");

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        Assert.Equal([new GenerationValidationError("model_id", "Field required"), new GenerationValidationError("prompt", "Field required")], error.ValidationErrors);
        Assert.Contains("model_id: Field required; prompt: Field required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromResponseAsync_ProblemDetailsErrors_ParsesValidationErrors()
    {
        using HttpResponseMessage response = Response(400, "{\"title\":\"One or more validation errors occurred.\",\"errors\":{\"width\":[\"Must be a multiple of 64.\"]}}");

        GenerationException error = await GenerationException.FromResponseAsync(response);

        Assert.Equal([new GenerationValidationError("width", "Must be a multiple of 64.")], error.ValidationErrors);
    }

    [Fact]
    public async Task FromResponseAsync_Bytez402_IsInsufficientCredits()
    {
        using HttpResponseMessage response = Response(402, "{\"status\":402,\"error\":\"Payment Required\",\"message\":\"Insufficient credits. Please add credits to continue.\"}");

        GenerationException error = await GenerationException.FromResponseAsync(response, "Bytez");

        Assert.Equal(GenerationErrorKind.InsufficientCredits, error.Kind);
        Assert.Contains("Payment Required: Insufficient credits. Please add credits to continue.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromResponseAsync_UnknownModel_IsModelNotFound()
    {
        using HttpResponseMessage response = Response(400, "{\"detail\":\"Model fal-ai/nope not found in registry\"}");

        GenerationException error = await GenerationException.FromResponseAsync(response, "Velro");

        Assert.Equal(GenerationErrorKind.ModelNotFound, error.Kind);
    }

    [Fact]
    public async Task FromResponseAsync_RequestIdHeader_IsKept()
    {
        using HttpResponseMessage response = Response(503, "{\"detail\":\"Service temporarily unavailable\"}");
        response.Headers.Add("X-Request-ID", "req-123");

        GenerationException error = await GenerationException.FromResponseAsync(response);

        Assert.Equal("req-123", error.RequestId);
    }

    [Fact]
    public async Task FromResponseAsync_SuccessfulResponse_Throws()
    {
        using HttpResponseMessage response = Response(200, "{}");

        await Assert.ThrowsAsync<ArgumentException>(() => GenerationException.FromResponseAsync(response));
    }

    [Theory]
    [InlineData(401, GenerationErrorKind.Unauthorized)]
    [InlineData(403, GenerationErrorKind.Unauthorized)]
    [InlineData(402, GenerationErrorKind.InsufficientCredits)]
    [InlineData(408, GenerationErrorKind.Timeout)]
    [InlineData(429, GenerationErrorKind.RateLimited)]
    [InlineData(404, GenerationErrorKind.InvalidRequest)]
    [InlineData(500, GenerationErrorKind.ServiceUnavailable)]
    [InlineData(523, GenerationErrorKind.ServiceUnavailable)]
    [InlineData(302, GenerationErrorKind.Unknown)]
    public void DefaultClassifier_GetErrorKind_MapsStatus(int status, GenerationErrorKind expected)
        => Assert.Equal(expected, GenerationOutcomeClassifier.Default.GetErrorKind(status, "whatever"));

    [Fact]
    public void UserMessage_EveryKindHasAFriendlySentence()
    {
        foreach (GenerationErrorKind kind in Enum.GetValues<GenerationErrorKind>())
        {
            string message = new GenerationException(kind, "Bytez", "details") { Attempts = 4 }.UserMessage;

            Assert.False(string.IsNullOrWhiteSpace(message));
            Assert.EndsWith(".", message, StringComparison.Ordinal);
            Assert.DoesNotContain("Bytez", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UserMessage_Defaults_MatchTheDocumentedSentences()
    {
        Assert.Equal("The service is being set up. Please try again in a few minutes.", new GenerationException(GenerationErrorKind.Unauthorized, "p", "m").UserMessage);
        Assert.Equal("The service is busy; please try again in 2-3 minutes.", new GenerationException(GenerationErrorKind.RateLimited, "p", "m").UserMessage);
        Assert.Equal("The service is busy; please try again in 45 seconds.", new GenerationException(GenerationErrorKind.RateLimited, "p", "m") { RetryAfter = TimeSpan.FromSeconds(45) }.UserMessage);
        Assert.Equal("This is taking longer than usual. Please try again in a moment.", new GenerationException(GenerationErrorKind.Timeout, "p", "m").UserMessage);
        Assert.Equal("The service is having trouble right now; we retried 3 times. Please try again later.", new GenerationException(GenerationErrorKind.ServiceUnavailable, "p", "m") { Attempts = 4 }.UserMessage);
        Assert.Equal("The service is having trouble right now; we retried once. Please try again later.", new GenerationException(GenerationErrorKind.ServiceUnavailable, "p", "m") { Attempts = 2 }.UserMessage);
        Assert.Equal("Custom.", new GenerationException(GenerationErrorKind.Unknown, "p", "m") { UserMessage = "Custom." }.UserMessage);
    }
}
