using System.Net;

namespace GenResilience.Tests.Resilience;

public class GenerationOutcomeClassifierTests
{
    [Theory]
    [InlineData(200, GenerationOutcomeKind.Success)]
    [InlineData(302, GenerationOutcomeKind.Success)]
    [InlineData(399, GenerationOutcomeKind.Success)]
    [InlineData(400, GenerationOutcomeKind.Failure)]
    [InlineData(401, GenerationOutcomeKind.KeyRejected)]
    [InlineData(429, GenerationOutcomeKind.RateLimited)]
    [InlineData(503, GenerationOutcomeKind.ServerError)]
    [InlineData(522, GenerationOutcomeKind.ServerError)]
    [InlineData(501, GenerationOutcomeKind.Failure)]
    public async Task ClassifyAsync_DefaultOptions_MapsTheStatus(int status, GenerationOutcomeKind expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);

        GenerationOutcomeKind kind = await GenerationOutcomeClassifier.Default.ClassifyAsync(response, new GenerationResilienceOptions(), CancellationToken.None);

        Assert.Equal(expected, kind);
    }

    [Theory]
    [InlineData(599, GenerationErrorKind.ServiceUnavailable)]
    [InlineData(600, GenerationErrorKind.Unknown)]
    [InlineData(499, GenerationErrorKind.InvalidRequest)]
    public void GetErrorKind_EdgesOfTheStatusRanges(int status, GenerationErrorKind expected)
        => Assert.Equal(expected, GenerationOutcomeClassifier.Default.GetErrorKind(status, null));

    [Theory]
    [InlineData(404, "Model 'sdxl-turbo' not found", GenerationErrorKind.ModelNotFound)]
    [InlineData(400, "model NOT FOUND", GenerationErrorKind.ModelNotFound)]
    [InlineData(404, "Page not found", GenerationErrorKind.InvalidRequest)]
    [InlineData(400, "model is required", GenerationErrorKind.InvalidRequest)]
    [InlineData(500, "model not found", GenerationErrorKind.ServiceUnavailable)]
    public void GetErrorKind_ModelNotFoundOnlyWhenTheTextSaysBoth(int status, string text, GenerationErrorKind expected)
        => Assert.Equal(expected, GenerationOutcomeClassifier.Default.GetErrorKind(status, text));

    [Fact]
    public async Task ClassifyAsync_NullArguments_ThrowArgumentNullExceptionNamingThem()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);

        Assert.Equal("response", (await Assert.ThrowsAsync<ArgumentNullException>(async () => await GenerationOutcomeClassifier.Default.ClassifyAsync(null!, new GenerationResilienceOptions(), CancellationToken.None))).ParamName);
        Assert.Equal("options", (await Assert.ThrowsAsync<ArgumentNullException>(async () => await GenerationOutcomeClassifier.Default.ClassifyAsync(response, null!, CancellationToken.None))).ParamName);
    }

    [Fact]
    public void RequestExtensions_NullArguments_ThrowArgumentExceptionsNamingThem()
    {
        HttpRequestMessage request = null!;
        using var valid = new HttpRequestMessage(HttpMethod.Post, "https://api.example.com/v1/generate");

        Assert.Equal("request", Assert.Throws<ArgumentNullException>(() => request.SetOperationName("image")).ParamName);
        Assert.Equal("operation", Assert.Throws<ArgumentException>(() => valid.SetOperationName(" ")).ParamName);
        Assert.Equal("request", Assert.Throws<ArgumentNullException>(() => request.SetAttemptTimeout(TimeSpan.FromSeconds(5))).ParamName);
        Assert.Equal("request", Assert.Throws<ArgumentNullException>(() => request.SetTotalTimeout(TimeSpan.FromSeconds(5))).ParamName);
        Assert.Equal("request", Assert.Throws<ArgumentNullException>(() => request.SetContentFactory(() => new StringContent("{}"))).ParamName);
        Assert.Equal("contentFactory", Assert.Throws<ArgumentNullException>(() => valid.SetContentFactory(null!)).ParamName);
        Assert.Equal("request", Assert.Throws<ArgumentNullException>(() => request.SetRetryAfterAmbiguousFailure(true)).ParamName);
    }
}
