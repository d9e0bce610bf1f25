using GenResilience.Providers.Velro.Internal;

namespace GenResilience.Tests.Providers.Velro;

public class VelroOutcomeClassifierTests
{
    [Theory]
    [InlineData(400, "Model gpt-4o-mini not found in registry", GenerationErrorKind.ModelNotFound)]
    [InlineData(400, "Invalid parameters JSON", GenerationErrorKind.InvalidRequest)]
    [InlineData(400, "Reference image must be an image file", GenerationErrorKind.InvalidRequest)]
    [InlineData(401, "Authentication expired. Please refresh the page and log in again.", GenerationErrorKind.Unauthorized)]
    [InlineData(402, "Insufficient credits. Required: 500, Available: 120", GenerationErrorKind.InsufficientCredits)]
    [InlineData(404, "Generation not found", GenerationErrorKind.JobExpired)]
    [InlineData(404, "User profile not found. Please contact support if this continues.", GenerationErrorKind.InvalidRequest)]
    [InlineData(413, "Reference image too large. Maximum size is 20971520 bytes", GenerationErrorKind.InvalidRequest)]
    [InlineData(422, "model_id: Field required", GenerationErrorKind.InvalidRequest)]
    [InlineData(429, "Rate limit exceeded", GenerationErrorKind.RateLimited)]
    [InlineData(503, "Service temporarily unavailable. Please try again later.", GenerationErrorKind.ServiceUnavailable)]
    [InlineData(503, "Model registry unavailable", GenerationErrorKind.ServiceUnavailable)]
    public void GetErrorKind_VelroAnswers_AreWhatTheySay(int status, string text, GenerationErrorKind expected)
    {
        Assert.Equal(expected, VelroOutcomeClassifier.Instance.GetErrorKind(status, text));
    }

    [Fact]
    public void GetErrorKind_AnyClientError_IsNeverServiceUnavailable()
    {
        for (int status = 400; status < 500; status++)
        {
            Assert.NotEqual(GenerationErrorKind.ServiceUnavailable, VelroOutcomeClassifier.Instance.GetErrorKind(status, null));
            Assert.NotEqual(GenerationErrorKind.ServiceUnavailable, VelroOutcomeClassifier.Instance.GetErrorKind(status, "Service temporarily unavailable"));
        }
    }
}
