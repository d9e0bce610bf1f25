using System.Text.Json;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;

namespace GenResilience.Tests.Providers.Velro;

/// <summary>
/// Creates: always multipart, checked against the registry before anything is sent, and every error what it is.
/// </summary>
public sealed class VelroCreateTests : IDisposable
{
    private readonly List<string> _directories = [];

    public void Dispose()
    {
        foreach (string directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task CreateGenerationAsync_ImageRequest_SendsMultipartWithExactlyTheExpectedParts()
    {
        using var h = VelroHarness.Create();
        VelroGenerationRequest request = VelroHarness.Image();
        request.NegativePrompt = "blurry";
        request.ReferenceImageUrl = "https://cdn.example.com/style.png";
        request.ImageSize = "landscape_16_9";
        request.NumImages = 2;
        request.OutputFormat = "png";
        request.Parameters["guidance_scale"] = 3.5;

        VelroGeneration generation = await h.Client.CreateGenerationAsync(request).Bounded();

        VelroSimulatedCreate create = Assert.Single(h.Creates);
        Assert.True(create.IsMultipart);
        Assert.StartsWith("multipart/form-data", create.Request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(["model_id", "prompt", "negative_prompt", "reference_image_url", "parameters"], create.PartNames);
        Assert.Equal("fal-ai/flux-pro/v1.1-ultra", create.Fields["model_id"]);
        Assert.Equal("a red fox in the snow", create.Fields["prompt"]);
        Assert.Equal("blurry", create.Fields["negative_prompt"]);
        Assert.Equal("https://cdn.example.com/style.png", create.Fields["reference_image_url"]);
        using JsonDocument parameters = JsonDocument.Parse(create.Fields["parameters"]);
        Assert.Equal(
            ["image_size", "num_images", "output_format", "guidance_scale"],
            parameters.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("landscape_16_9", parameters.RootElement.GetProperty("image_size").GetString());
        Assert.Equal(2, parameters.RootElement.GetProperty("num_images").GetInt32());
        Assert.Equal("png", parameters.RootElement.GetProperty("output_format").GetString());
        Assert.Equal(3.5, parameters.RootElement.GetProperty("guidance_scale").GetDouble());
        Assert.Equal("Bearer " + VelroHarness.Token, create.Request.Headers["Authorization"]);
        Assert.Equal(create.GenerationId, generation.Id);
        Assert.Equal(VelroGenerationStatus.Pending, generation.Status);
        Assert.Equal(50, generation.Cost);
    }

    [Fact]
    public async Task CreateGenerationAsync_VideoRequestWithReferenceFile_SendsTheFilePartWithItsTypeAndBytes()
    {
        using var h = VelroHarness.Create();
        byte[] image = VelroHarness.PngBytes();
        VelroGenerationRequest request = VelroHarness.Video();
        request.Duration = 8;
        request.AspectRatio = "9:16";
        request.Quality = "high";
        request.ProjectId = "project-1";
        request.ReferenceImage = VelroReferenceImage.FromFile(TempFile("first-frame.png", image));

        await h.Client.CreateGenerationAsync(request).Bounded();

        VelroSimulatedCreate create = Assert.Single(h.Creates);
        Assert.Equal(["model_id", "prompt", "project_id", "parameters", "reference_image"], create.PartNames);
        Assert.Equal("{\"duration\":8,\"aspect_ratio\":\"9:16\",\"quality\":\"high\"}", create.Fields["parameters"]);
        VelroSimulatedPart file = Assert.IsType<VelroSimulatedPart>(create.ReferenceImage);
        Assert.Equal("first-frame.png", file.FileName);
        Assert.Equal("image/png", file.ContentType);
        Assert.Equal(image, file.Content);
    }

    [Fact]
    public async Task CreateGenerationAsync_NoParameters_SendsNoParametersPart()
    {
        using var h = VelroHarness.Create();

        await h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded();

        Assert.Equal(["model_id", "prompt"], Assert.Single(h.Creates).PartNames);
    }

    [Fact]
    public async Task CreateGenerationAsync_UnknownModel_ListsTheValidIdsWithoutAnyCreateRequest()
    {
        using var h = VelroHarness.Create();

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(
            () => h.Client.CreateGenerationAsync(new VelroGenerationRequest("gpt-4o-mini", "a cat on a skateboard")).Bounded());

        Assert.Equal(GenerationErrorKind.ModelNotFound, error.Kind);
        Assert.StartsWith(
            "Velro has no model 'gpt-4o-mini'. Image models: fal-ai/imagen4/preview/ultra, fal-ai/flux-pro/v1.1-ultra, fal-ai/flux-pro/kontext/max. "
            + "Video models: fal-ai/wan-pro/text-to-video, fal-ai/kling-video/v2.1/master/text-to-video, fal-ai/minimax/hailuo-02/pro/text-to-video, fal-ai/veo3.",
            error.Message,
            StringComparison.Ordinal);
        Assert.Empty(h.Velro.RequestsTo(VelroSimulator.GenerationsPath));
        Assert.Null(error.StatusCode);
        Assert.Equal(0, error.Attempts);
        Assert.Equal("model_id", Assert.Single(error.ValidationErrors).Field);
        Assert.Equal("The selected model is not available. Please choose another model.", error.UserMessage);
    }

    [Fact]
    public async Task CreateGenerationAsync_UnknownModelWithTheRegistryCached_SendsNoRequestAtAll()
    {
        using var h = VelroHarness.Create();
        await h.Client.GetSupportedModelsAsync().Bounded();
        int before = h.Velro.Requests.Count;

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(
            () => h.Client.CreateGenerationAsync(new VelroGenerationRequest("gpt-4o-mini", "a cat on a skateboard")).Bounded());

        Assert.Equal(GenerationErrorKind.ModelNotFound, error.Kind);
        Assert.NotEqual(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal(before, h.Velro.Requests.Count);
    }

    [Fact]
    public async Task CreateGenerationAsync_FiftyConcurrentFirstCreates_ReadTheRegistryOnce()
    {
        using var h = VelroHarness.Create();

        VelroGeneration[] created = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(
            () => h.Client.CreateGenerationAsync(VelroHarness.Image("a fox, take " + i))))).Bounded();

        Assert.Single(h.Velro.RequestsTo(VelroSimulator.ModelsPath));
        Assert.Equal(50, h.Creates.Count);
        Assert.Equal(50, created.Select(g => g.Id).Distinct().Count());
    }

    [Fact]
    public async Task CreateGenerationAsync_ModelIdWithoutPrefix_SuggestsTheRegistryId()
    {
        using var h = VelroHarness.Create();

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(
            () => h.Client.CreateGenerationAsync(new VelroGenerationRequest("veo3", "a cat")).Bounded());

        Assert.Equal(GenerationErrorKind.ModelNotFound, error.Kind);
        Assert.Contains("Did you mean 'fal-ai/veo3'?", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fal-ai/veo3", "ImageSize", "parameters.image_size")]
    [InlineData("fal-ai/veo3", "NumImages", "parameters.num_images")]
    [InlineData("fal-ai/wan-pro/text-to-video", "OutputFormat", "parameters.output_format")]
    [InlineData("fal-ai/flux-pro/v1.1-ultra", "Duration", "parameters.duration")]
    [InlineData("fal-ai/imagen4/preview/ultra", "AspectRatio", "parameters.aspect_ratio")]
    [InlineData("fal-ai/flux-pro/kontext/max", "Quality", "parameters.quality")]
    public async Task CreateGenerationAsync_SettingOfTheOtherMediaType_ThrowsInvalidRequestNamingTheField(string model, string property, string field)
    {
        using var h = VelroHarness.Create();
        var request = new VelroGenerationRequest(model, "a cat");
        Set(request, property);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(request).Bounded());

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        Assert.Contains(property, error.Message, StringComparison.Ordinal);
        Assert.Contains(model, error.Message, StringComparison.Ordinal);
        Assert.Equal(field, Assert.Single(error.ValidationErrors).Field);
        Assert.Equal("This setting does not apply to the selected model.", error.UserMessage);
        Assert.Empty(h.Velro.RequestsTo(VelroSimulator.GenerationsPath));
    }

    [Fact]
    public async Task CreateGenerationAsync_ValueTheModelDoesNotTake_ThrowsInvalidRequestWithTheAllowedValues()
    {
        using var h = VelroHarness.Create();
        VelroGenerationRequest request = VelroHarness.Image();
        request.OutputFormat = "webp";
        request.NumImages = 9;

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(request).Bounded());

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(["parameters.num_images", "parameters.output_format"], error.ValidationErrors.Select(v => v.Field));
        Assert.Contains("it takes jpeg, png", error.Message, StringComparison.Ordinal);
        Assert.Contains("takes from 1 to 4", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Creates);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task CreateGenerationAsync_EmptyPrompt_ThrowsInvalidRequestBeforeAnyRequest(string prompt)
    {
        using var h = VelroHarness.Create();

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(VelroHarness.Image(prompt)).Bounded());

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        GenerationValidationError problem = Assert.Single(error.ValidationErrors);
        Assert.Equal("prompt", problem.Field);
        Assert.Equal("Please enter a prompt.", error.UserMessage);
        Assert.Empty(h.Velro.Requests);
    }

    [Fact]
    public async Task CreateGenerationAsync_ReferenceFileOver20MB_ThrowsInvalidRequestWithoutSending()
    {
        using var h = VelroHarness.Create();
        string path = TempFile("huge.png", []);
        using (FileStream file = File.OpenWrite(path))
        {
            file.SetLength(VelroReferenceImage.MaxBytes + 1);
        }

        VelroGenerationRequest request = VelroHarness.Image();
        request.ReferenceImage = VelroReferenceImage.FromFile(path);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(request).Bounded());

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        GenerationValidationError problem = Assert.Single(error.ValidationErrors);
        Assert.Equal("reference_image", problem.Field);
        Assert.Contains("at most 20 MB", problem.Message, StringComparison.Ordinal);
        Assert.Equal("The reference image is too large; the limit is 20 MB.", error.UserMessage);
        Assert.Empty(h.Velro.Requests);
    }

    [Fact]
    public async Task CreateGenerationAsync_StreamOfDeclaredOversize_IsNeverOpened()
    {
        using var h = VelroHarness.Create();
        VelroGenerationRequest request = VelroHarness.Image();
        request.ReferenceImage = VelroReferenceImage.FromStream(() => throw new InvalidOperationException("opened"), 25L * 1024 * 1024, "blob.jpg");

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(request).Bounded());

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        Assert.Equal("reference_image", Assert.Single(error.ValidationErrors).Field);
    }

    [Fact]
    public async Task CreateGenerationAsync_NonImageReferenceFile_ThrowsInvalidRequest()
    {
        using var h = VelroHarness.Create();
        VelroGenerationRequest request = VelroHarness.Image();
        request.ReferenceImage = VelroReferenceImage.FromBytes("just some notes"u8.ToArray(), "notes.txt");

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(request).Bounded());

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        GenerationValidationError problem = Assert.Single(error.ValidationErrors);
        Assert.Equal("reference_image", problem.Field);
        Assert.Contains("image files only", problem.Message, StringComparison.Ordinal);
        Assert.Equal("The reference file must be an image.", error.UserMessage);
        Assert.Empty(h.Creates);
    }

    [Theory]
    [InlineData("ftp://files.example.com/ref.png")]
    [InlineData("ref.png")]
    public async Task CreateGenerationAsync_ReferenceImageUrlNotHttp_ThrowsInvalidRequestWithoutSending(string url)
    {
        using var h = VelroHarness.Create();
        VelroGenerationRequest request = VelroHarness.Image();
        request.ReferenceImageUrl = url;

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(request).Bounded());

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        Assert.Equal("reference_image_url", Assert.Single(error.ValidationErrors).Field);
        Assert.Empty(h.Velro.Requests);
    }

    [Fact]
    public async Task CreateGenerationAsync_ParameterSetTwice_ThrowsInvalidRequest()
    {
        using var h = VelroHarness.Create();
        VelroGenerationRequest request = VelroHarness.Image();
        request.ImageSize = "square";
        request.Parameters["image_size"] = "square_hd";

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(request).Bounded());

        Assert.Equal("parameters.image_size", Assert.Single(error.ValidationErrors).Field);
        Assert.Contains("set it once", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateGenerationAsync_BalanceBelowModelCredits_ThrowsInsufficientCreditsNamingBothNumbersWithoutSending()
    {
        using var h = VelroHarness.Create(velro: v => v.CreditsBalance = 120);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(VelroHarness.Video()).Bounded());

        Assert.Equal(GenerationErrorKind.InsufficientCredits, error.Kind);
        Assert.Contains("needs 500 credits and the balance is 120", error.Message, StringComparison.Ordinal);
        Assert.Equal("You need 500 credits for this and have 120. Please add credits and try again.", error.UserMessage);
        Assert.Empty(h.Velro.RequestsTo(VelroSimulator.GenerationsPath));
    }

    [Fact]
    public async Task CreateGenerationAsync_BalanceCoversTheModel_IsSent()
    {
        using var h = VelroHarness.Create(velro: v => v.CreditsBalance = 50);

        await h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded();

        Assert.Equal(200, Assert.Single(h.Creates).StatusCode);
        Assert.Equal(0, h.Velro.CreditsBalance);
    }

    [Fact]
    public async Task CreateGenerationAsync_ServerAnswers402_ThrowsInsufficientCreditsWithTheNumbers()
    {
        using var h = VelroHarness.Create(o => o.CheckCreditsBeforeCreate = false, v => v.CreditsBalance = 120);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(VelroHarness.Video()).Bounded());

        Assert.Equal(GenerationErrorKind.InsufficientCredits, error.Kind);
        Assert.Equal(402, error.StatusCode);
        Assert.Contains("Insufficient credits. Required: 500, Available: 120", error.Message, StringComparison.Ordinal);
        Assert.Equal("You need 500 credits for this and have 120. Please add credits and try again.", error.UserMessage);
        Assert.Single(h.Creates);
    }

    [Fact]
    public async Task CreateGenerationAsync_ServerNoLongerHasTheModel_RefreshesTheRegistryOnceAndThrowsModelNotFound()
    {
        using var h = VelroHarness.Create();
        await h.Client.GetSupportedModelsAsync().Bounded();
        h.Velro.RemoveModel("fal-ai/flux-pro/kontext/max");

        GenerationException[] errors = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(new VelroGenerationRequest("fal-ai/flux-pro/kontext/max", "a cat"))))).Bounded();

        // Creates that start after the refresh are stopped before sending; those already on their way hear it from Velro.
        Assert.All(errors, e => Assert.Equal(GenerationErrorKind.ModelNotFound, e.Kind));
        Assert.All(errors, e => Assert.Contains("Image models: fal-ai/imagen4/preview/ultra, fal-ai/flux-pro/v1.1-ultra. Video models:", e.Message, StringComparison.Ordinal));
        Assert.Equal(h.Creates.Count, errors.Count(e => e.StatusCode == 400));
        Assert.NotEmpty(h.Creates);
        Assert.Equal(2, h.Velro.RequestsTo(VelroSimulator.ModelsPath).Count);
        Assert.Equal(6, (await h.Client.GetSupportedModelsAsync().Bounded()).Count);
        Assert.Equal(2, h.Velro.RequestsTo(VelroSimulator.ModelsPath).Count);
    }

    [Fact]
    public async Task CreateGenerationAsync_ServerAnswersAnother400_ThrowsInvalidRequestWithItsDetailAndKeepsTheRegistry()
    {
        using var h = VelroHarness.Create();
        h.Velro.Server.On(HttpMethod.Post, VelroSimulator.GenerationsPath)
            .Reply(SimulatedResponse.Json(400, "{\"detail\":\"Invalid parameters JSON\",\"request_id\":\"req-abc\",\"status_code\":400}"));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded());

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal(1, error.Attempts);
        Assert.Contains("Invalid parameters JSON", error.Message, StringComparison.Ordinal);
        Assert.Single(h.Velro.RequestsTo(VelroSimulator.GenerationsPath));
        Assert.Single(h.Velro.RequestsTo(VelroSimulator.ModelsPath));
    }

    [Fact]
    public async Task CreateGenerationAsync_ServerAnswers422FieldRequired_ThrowsInvalidRequestWithValidationErrors()
    {
        using var h = VelroHarness.Create(velro: v => v.DropFormFields = true);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded());

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(422, error.StatusCode);
        Assert.Contains(new GenerationValidationError("model_id", "Field required"), error.ValidationErrors);
        Assert.Contains(new GenerationValidationError("prompt", "Field required"), error.ValidationErrors);
        Assert.Contains("multipart/form-data", error.Message, StringComparison.Ordinal);
        Assert.Single(h.Creates);
    }

    [Theory]
    [InlineData(400, GenerationErrorKind.InvalidRequest)]
    [InlineData(402, GenerationErrorKind.InsufficientCredits)]
    [InlineData(404, GenerationErrorKind.InvalidRequest)]
    [InlineData(413, GenerationErrorKind.InvalidRequest)]
    [InlineData(422, GenerationErrorKind.InvalidRequest)]
    public async Task CreateGenerationAsync_ClientError_IsNotRetriedAndNeverServiceUnavailable(int status, GenerationErrorKind kind)
    {
        using var h = VelroHarness.Create(velro: v => v.FailNextCreates(1, status));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded());

        Assert.Equal(kind, error.Kind);
        Assert.NotEqual(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(1, error.Attempts);
        Assert.Single(h.Creates);
    }

    [Fact]
    public async Task CreateGenerationAsync_503Then503Then200_RetriesAfter5And15SecondsResendingTheFileIntact()
    {
        using var h = VelroHarness.Create(velro: v => v.FailNextCreates(2));
        byte[] image = VelroHarness.PngBytes(64 * 1024);
        VelroGenerationRequest request = VelroHarness.Image();
        request.ImageSize = "square_hd";
        request.ReferenceImage = VelroReferenceImage.FromFile(TempFile("fox.png", image));

        Task<VelroGeneration> call = h.Client.CreateGenerationAsync(request);
        await WaitForCreatesAsync(h, 1);
        foreach (int seconds in (int[])[5, 15])
        {
            TimeSpan wait = TimeSpan.FromSeconds(seconds);
            int sent = h.Creates.Count;
            await h.Time.WaitForTimerAsync(wait);
            h.Time.Advance(wait - TimeSpan.FromMilliseconds(1));
            Assert.Equal(sent, h.Creates.Count);
            h.Time.Advance(TimeSpan.FromMilliseconds(1));
            await WaitForCreatesAsync(h, sent + 1);
        }

        VelroGeneration generation = await call.Bounded();

        Assert.Equal([503, 503, 200], h.Creates.Select(c => c.StatusCode));
        Assert.Equal(TimeSpan.FromSeconds(5), h.Creates[1].Request.ReceivedAt - h.Creates[0].Request.ReceivedAt);
        Assert.Equal(TimeSpan.FromSeconds(15), h.Creates[2].Request.ReceivedAt - h.Creates[1].Request.ReceivedAt);
        Assert.All(h.Creates, c =>
        {
            Assert.Equal(["model_id", "prompt", "parameters", "reference_image"], c.PartNames);
            Assert.Equal(image, c.ReferenceImage!.Content);
            Assert.Equal(h.Creates[0].Fields, c.Fields);
        });
        Assert.Equal(h.Creates[2].GenerationId, generation.Id);
    }

    [Fact]
    public async Task CreateGenerationAsync_503ThenSuccessWithStreamedReference_OpensAFreshStreamForEachAttempt()
    {
        using var h = VelroHarness.Create(velro: v => v.FailNextCreates(2));
        byte[] image = VelroHarness.PngBytes(256 * 1024);
        int opened = 0;
        VelroGenerationRequest request = VelroHarness.Image();
        request.ReferenceImage = VelroReferenceImage.FromStream(
            () =>
            {
                Interlocked.Increment(ref opened);
                return new ForwardOnlyStream(image);
            },
            image.Length,
            "blob.png");

        VelroGeneration generation = await h.RunAsync(h.Client.CreateGenerationAsync(request));

        Assert.Equal(3, opened);
        Assert.Equal([503, 503, 200], h.Creates.Select(c => c.StatusCode));
        Assert.All(h.Creates, c => Assert.Equal(image, c.ReferenceImage!.Content));
        Assert.Equal(h.Creates[2].GenerationId, generation.Id);
    }

    [Fact]
    public async Task CreateGenerationAsync_503EveryTime_RetriesAfter5And15And30SecondsThenThrowsServiceUnavailable()
    {
        using var h = VelroHarness.Create(velro: v => v.FailNextCreates(4));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.RunAsync(h.Client.CreateGenerationAsync(VelroHarness.Image())));

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal(503, error.StatusCode);
        Assert.Equal(4, error.Attempts);
        Assert.Equal(4, h.Creates.Count);
        Assert.Equal(
            [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)],
            h.Creates.Zip(h.Creates.Skip(1), (a, b) => b.Request.ReceivedAt - a.Request.ReceivedAt));
        Assert.Contains("not the request", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateGenerationAsync_503WithPaidRetriesOff_IsSentOnce()
    {
        using var h = VelroHarness.Create(o => o.RetryNonIdempotentAfterAmbiguousFailure = false, v => v.FailNextCreates(1));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded());

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Single(h.Creates);
    }

    [Fact]
    public async Task CreateGenerationAsync_ErrorAnswer_KeepsTheRequestIdForSupport()
    {
        using var h = VelroHarness.Create(o => o.CheckCreditsBeforeCreate = false, v => v.CreditsBalance = 1);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded());

        string expected = $"req-{Assert.Single(h.Creates).Request.Sequence:D6}";
        Assert.Equal(expected, error.RequestId);
    }

    [Fact]
    public async Task CreateGenerationAsync_RevokedToken_RotatesToTheNextToken()
    {
        using var h = VelroHarness.Create(o => o.ApiKeys = [VelroHarness.Token, VelroHarness.SecondToken], v => v.RejectToken(VelroHarness.Token));

        VelroGeneration generation = await h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded();

        Assert.Equal(VelroHarness.SecondToken, Assert.Single(h.Creates).Request.ApiKey);
        Assert.False(string.IsNullOrEmpty(generation.Id));
    }

    [Fact]
    public async Task CreateGenerationAsync_ExpiredToken_CostsOneCheapRequestAndSaysSignInAgain()
    {
        using var h = VelroHarness.Create(velro: v => v.RejectToken(VelroHarness.Token));

        GenerationException[] errors = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(VelroHarness.Image())))).Bounded();

        Assert.All(errors, e => Assert.Equal(GenerationErrorKind.Unauthorized, e.Kind));
        Assert.All(errors, e => Assert.Equal("Sorry, your session expired; sign in again.", e.UserMessage));
        SimulatedRequest only = Assert.Single(h.Velro.Requests);
        Assert.Equal(VelroSimulator.CurrentUserPath, only.Path);
        Assert.Empty(h.Creates);
    }

    [Fact]
    public async Task CreateGenerationAsync_TokenExpiresAfterItWasChecked_RetriesAtOnceWithTheNextTokenAndNeverUsesItAgain()
    {
        using var h = VelroHarness.Create(o => o.ApiKeys = [VelroHarness.Token, VelroHarness.SecondToken]);
        await h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded();
        await h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded();
        Assert.Equal([VelroHarness.Token, VelroHarness.SecondToken], h.Creates.Select(c => c.Request.ApiKey).Order(StringComparer.Ordinal));
        h.Velro.RejectToken(VelroHarness.Token);
        int sent = h.Creates.Count;

        for (int i = 0; i < 3; i++)
        {
            await h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded();
        }

        VelroSimulatedCreate[] later = [.. h.Creates.Skip(sent)];
        // Whichever create drew the expired token: one 401, the same create again at once with the other token, and
        // the expired one never again.
        VelroSimulatedCreate refused = Assert.Single(later, c => c.StatusCode == 401);
        Assert.Equal(VelroHarness.Token, refused.Request.ApiKey);
        VelroSimulatedCreate retried = later[Array.IndexOf(later, refused) + 1];
        Assert.Equal((VelroHarness.SecondToken, 200), (retried.Request.ApiKey, retried.StatusCode));
        Assert.Equal(refused.Request.ReceivedAt, retried.Request.ReceivedAt);
        Assert.Equal(4, later.Length);
        Assert.All(later.Where(c => c.StatusCode == 200), c => Assert.Equal(VelroHarness.SecondToken, c.Request.ApiKey));
    }

    [Fact]
    public async Task CreateGenerationAsync_OnlyTokenExpires_TheCreditsCheckFindsItAndTheCreateIsNotSent()
    {
        using var h = VelroHarness.Create();
        await h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded();
        h.Velro.RejectToken(VelroHarness.Token);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded());

        Assert.Equal(GenerationErrorKind.Unauthorized, error.Kind);
        Assert.Equal("Sorry, your session expired; sign in again.", error.UserMessage);
        Assert.Contains("sign in again", error.Message, StringComparison.Ordinal);
        Assert.Equal([200], h.Creates.Select(c => c.StatusCode));
        Assert.Equal(401, h.Velro.RequestsTo(VelroSimulator.CurrentUserPath)[^1].Response.StatusCode);
        Assert.DoesNotContain(VelroHarness.Token, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateGenerationAsync_OnlyTokenAnswers401OnTheCreate_ThrowsUnauthorizedSayingSignInAgainWithoutTheToken()
    {
        using var h = VelroHarness.Create(o => o.CheckCreditsBeforeCreate = false);
        await h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded();
        h.Velro.RejectToken(VelroHarness.Token);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(VelroHarness.Image()).Bounded());

        Assert.Equal(GenerationErrorKind.Unauthorized, error.Kind);
        Assert.NotEqual(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal(401, error.StatusCode);
        Assert.Equal("Sorry, your session expired; sign in again.", error.UserMessage);
        Assert.Equal([200, 401], h.Creates.Select(c => c.StatusCode));
        Assert.DoesNotContain(VelroHarness.Token, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(h.Logs.GetSnapshot(), r => (r.Message + r.Exception).Contains(VelroHarness.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateGenerationAsync_SeveralTokensAndBalanceTooLow_LeavesTheCreditsCheckToVelrosOwn402()
    {
        using var h = VelroHarness.Create(o => o.ApiKeys = [VelroHarness.Token, VelroHarness.SecondToken], v => v.CreditsBalance = 120);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateGenerationAsync(VelroHarness.Video()).Bounded());

        Assert.Equal(GenerationErrorKind.InsufficientCredits, error.Kind);
        Assert.Equal(402, error.StatusCode);
        Assert.Equal("You need 500 credits for this and have 120. Please add credits and try again.", error.UserMessage);
        Assert.Single(h.Creates);
    }

    private static void Set(VelroGenerationRequest request, string property)
    {
        switch (property)
        {
            case "ImageSize": request.ImageSize = "square_hd"; break;
            case "NumImages": request.NumImages = 2; break;
            case "OutputFormat": request.OutputFormat = "png"; break;
            case "Duration": request.Duration = 5; break;
            case "AspectRatio": request.AspectRatio = "16:9"; break;
            default: request.Quality = "high"; break;
        }
    }

    private static async Task WaitForCreatesAsync(VelroHarness h, int count)
    {
        using var safety = new CancellationTokenSource(Helpers.TaskExtensions.Safety);
        while (h.Creates.Count < count)
        {
            await Task.Delay(1, safety.Token);
        }
    }

    /// <summary>A stream that cannot seek, like a download or a blob read: a retry can only send it whole by opening it again.</summary>
    private sealed class ForwardOnlyStream(byte[] content) : MemoryStream(content, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }

    private string TempFile(string name, byte[] content)
    {
        string directory = Path.Combine(Path.GetTempPath(), "genresilience-velro-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, content);
        _directories.Add(directory);
        return path;
    }
}
