using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Tests.Failover;

/// <summary>Failover across the real provider clients, each on its simulator, all on one fake clock.</summary>
public class FailoverSimulatorTests
{
    private const string Flow = "flow veo-3.1-fast";
    private const string VelroVeo = "velro veo3";
    private const string BytezVideo = "bytez text-to-video";

    [Fact]
    public async Task GenerateAsync_UseApiInA522Outage_VelroMakesTheVideoAndTheResponseSaysSo()
    {
        using var h = FailoverHarness.Create(FlowThenVelro());
        h.UseApi.StartOutage(522);
        IVideoGenerator videos = h.Services.GetRequiredService<IVideoGenerator>();

        VideoGenerationResponse response = await h.RunAsync(videos.GenerateAsync(Request()));

        Assert.Equal("Velro", response.ProviderName);
        Assert.Equal("fal-ai/veo3", response.ModelId);
        Assert.NotNull(response.VideoUri);
        Assert.IsType<VelroGeneration>(response.RawRepresentation);
        Assert.Equal(VelroVeo, response.Failover!.ServedBy);
        GenerationFailoverSkip skip = Assert.Single(response.Failover.Skipped);
        Assert.Equal(Flow, skip.Target);
        Assert.Equal(GenerationFailoverSkipReason.Failed, skip.Reason);
        Assert.Equal(GenerationErrorKind.ServiceUnavailable, skip.ErrorKind);
        GenerationException useApi = Assert.IsType<GenerationException>(skip.Exception);
        Assert.Equal(522, useApi.StatusCode);
        Assert.Equal(4, useApi.Attempts);
        Assert.False(useApi.MayHaveStartedWork);
        Assert.Equal(4, h.UseApiCreates.Count);
        Assert.Single(h.Velro.Creates);
        Assert.Equal($"video failover: {Flow} failed with ServiceUnavailable; the call moves to {VelroVeo}", Assert.Single(h.Records("FailoverSwitched")).Message);
    }

    [Fact]
    public async Task GenerateAsync_UseApiBackAndTheBreakOver_TheNextCallGoesToUseApiAgain()
    {
        using var h = FailoverHarness.Create(FlowThenVelro());
        h.UseApi.StartOutage(522);
        IVideoGenerator videos = h.Services.GetRequiredService<IVideoGenerator>();
        await h.RunAsync(videos.GenerateAsync(Request()));
        await h.RunAsync(videos.GenerateAsync(Request()));

        // UseAPI failed twice: it is out of use, and the next call goes straight to Velro.
        VideoGenerationResponse whileOut = await h.RunAsync(videos.GenerateAsync(Request()));
        Assert.Equal(8, h.UseApiCreates.Count);
        Assert.Equal(GenerationFailoverSkipReason.CircuitOpen, Assert.Single(whileOut.Failover!.Skipped).Reason);

        h.UseApi.EndOutage();
        h.Time.Advance(TimeSpan.FromMinutes(2));
        VideoGenerationResponse back = await h.RunAsync(videos.GenerateAsync(Request()));
        VideoGenerationResponse after = await h.RunAsync(videos.GenerateAsync(Request()));

        Assert.Equal("UseApi", back.ProviderName);
        Assert.Equal(Flow, back.Failover!.ServedBy);
        Assert.Empty(back.Failover.Skipped);
        Assert.Equal(Flow, after.Failover!.ServedBy);
        Assert.Equal(3, h.Velro.Creates.Count);
        Assert.Single(h.Records("FailoverTargetOutOfUse"));
        Assert.Single(h.Records("FailoverTargetBackInUse"));
    }

    [Fact]
    public async Task GenerateAsync_InvalidRequest_IsNotSentToTheNextTarget()
    {
        using var h = FailoverHarness.Create(services => services.AddVideoGenerationFailover(t => t
            .Add(VelroVeo, sp => sp.GetRequiredService<IVelroClient>().AsVideoGenerator("fal-ai/veo3"))
            .Add(Flow, sp => sp.GetRequiredService<IUseApiClient>().AsVideoGenerator("veo-3.1-fast"))));
        IVideoGenerator videos = h.Services.GetRequiredService<IVideoGenerator>();

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(
            () => h.RunAsync(videos.GenerateAsync(Request(), new VideoGenerationOptions { AspectRatio = "4:3" })));

        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        Assert.Equal("Velro", error.Provider);
        Assert.Contains(error.ValidationErrors, v => v.Field.Contains("aspect_ratio", StringComparison.Ordinal));
        Assert.Empty(h.Velro.Creates);
        Assert.Empty(h.UseApiCreates);
    }

    [Fact]
    public async Task GenerateAsync_EveryTargetDown_OneGenerationExceptionNamesEachTargetsFailure()
    {
        // Velro's own balance check is off, so its answer is the service's 402 whatever the clock does to the balance read.
        using var h = FailoverHarness.Create(FlowThenVelro(), clients => clients.Velro!.CheckCreditsBeforeCreate = false);
        h.UseApi.StartOutage(522);
        h.Velro.CreditsBalance = 0;
        IVideoGenerator videos = h.Services.GetRequiredService<IVideoGenerator>();

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.RunAsync(videos.GenerateAsync(Request())));

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal("failover", error.Provider);
        Assert.StartsWith("video failover: no target could serve the call. ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"[{Flow}] failed with ServiceUnavailable: UseApi ", error.Message, StringComparison.Ordinal);
        Assert.Contains("522", error.Message, StringComparison.Ordinal);
        Assert.Contains($"[{VelroVeo}] failed with InsufficientCredits: ", error.Message, StringComparison.Ordinal);
        AggregateException all = Assert.IsType<AggregateException>(error.InnerException);
        Assert.Equal(["UseApi", "Velro"], all.InnerExceptions.Cast<GenerationException>().Select(e => e.Provider));
        Assert.Equal(402, ((GenerationException)all.InnerExceptions[1]).StatusCode);
    }

    [Fact]
    public async Task GenerateAsync_VelroCreateFailsAmbiguously_IsNotStartedAgainOnBytez()
    {
        using var h = FailoverHarness.Create(VelroThenBytez());
        h.Velro.FailNextCreates(4, 504);
        IVideoGenerator videos = h.Services.GetRequiredService<IVideoGenerator>();

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => h.RunAsync(videos.GenerateAsync(Request())));

        Assert.Equal("Velro", error.Provider);
        Assert.True(error.MayHaveStartedWork);
        Assert.Contains($"so it was not sent to [{BytezVideo}], which could pay twice for one video", error.Message, StringComparison.Ordinal);
        Assert.Contains("GenerationFailoverOptions.AllowDuplicateAfterAmbiguousFailure", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Bytez.Runs);
    }

    [Fact]
    public async Task GenerateAsync_VelroCreateFailsAmbiguouslyAndDuplicatesAllowed_BytezMakesTheVideo()
    {
        using var h = FailoverHarness.Create(VelroThenBytez(o => o.AllowDuplicateAfterAmbiguousFailure = true));
        h.Velro.FailNextCreates(4, 504);
        IVideoGenerator videos = h.Services.GetRequiredService<IVideoGenerator>();

        VideoGenerationResponse response = await h.RunAsync(videos.GenerateAsync(Request()));

        Assert.Equal("Bytez", response.ProviderName);
        Assert.Equal(BytezVideo, response.Failover!.ServedBy);
        Assert.True(Assert.Single(response.Failover.Skipped).Exception is GenerationException { MayHaveStartedWork: true });
        Assert.Single(h.Bytez.Runs);
    }

    [Fact]
    public async Task GenerateAsync_CallerCancelsDuringUseApisRetries_DoesNotFailOver()
    {
        using var h = FailoverHarness.Create(FlowThenVelro());
        h.UseApi.StartOutage(522);
        IVideoGenerator videos = h.Services.GetRequiredService<IVideoGenerator>();
        using var cancel = new CancellationTokenSource();

        Task<VideoGenerationResponse> call = videos.GenerateAsync(Request(), cancellationToken: cancel.Token);
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Bounded());
        Assert.Single(h.UseApiCreates);
        Assert.Empty(h.Velro.Creates);
        Assert.Empty(h.Records("FailoverSwitched"));
    }

    [Fact]
    public async Task GenerateAsync_BytezKeyOutOfCredits_VelroMakesTheImageAndEachImageCarriesTheReport()
    {
        using var h = FailoverHarness.Create(services => services
            .AddImageGenerationFailover(t => t
                .Add("bytez sdxl", sp => sp.GetRequiredService<IBytezClient>().AsImageGenerator(BytezSimulator.ImageModel))
                .Add("velro flux", sp => sp.GetRequiredService<IVelroClient>().AsImageGenerator("fal-ai/flux-pro/v1.1-ultra")))
            .UseLogging());
        h.Bytez.WithKey(FailoverHarness.BytezKey, BytezKeyState.OutOfCredits);
        IImageGenerator images = h.Services.GetRequiredService<IImageGenerator>();

        ImageGenerationResponse response = await h.RunAsync(images.GenerateAsync(new ImageGenerationRequest("a red fox in the snow")));

        UriContent image = Assert.IsType<UriContent>(Assert.Single(response.Contents));
        Assert.Equal("Velro", image.AdditionalProperties!["provider"]);
        Assert.IsType<VelroGeneration>(response.RawRepresentation);
        GenerationFailoverReport report = response.GetFailoverReport()!;
        Assert.Same(report, image.AdditionalProperties[GenerationFailoverReport.AdditionalPropertiesKey]);
        Assert.Equal("velro flux", report.ServedBy);
        GenerationFailoverSkip skip = Assert.Single(report.Skipped);
        Assert.Equal("bytez sdxl", skip.Target);
        Assert.Equal(GenerationErrorKind.InsufficientCredits, skip.ErrorKind);
        Assert.Equal("failover", images.GetService<ImageGeneratorMetadata>()!.ProviderName);
        Assert.Equal("image failover: bytez sdxl failed with InsufficientCredits; the call moves to velro flux", Assert.Single(h.Records("FailoverSwitched")).Message);
    }

    private static VideoGenerationRequest Request() => new("a drone over a mountain lake at dawn");

    private static Action<IServiceCollection> FlowThenVelro(Action<GenerationFailoverOptions>? configure = null)
        => services => services.AddVideoGenerationFailover(
            t => t
                .Add(Flow, sp => sp.GetRequiredService<IUseApiClient>().AsVideoGenerator("veo-3.1-fast"))
                .Add(VelroVeo, sp => sp.GetRequiredService<IVelroClient>().AsVideoGenerator("fal-ai/veo3")),
            configure);

    private static Action<IServiceCollection> VelroThenBytez(Action<GenerationFailoverOptions>? configure = null)
        => services => services.AddVideoGenerationFailover(
            t => t
                .Add(VelroVeo, sp => sp.GetRequiredService<IVelroClient>().AsVideoGenerator("fal-ai/veo3"))
                .Add(BytezVideo, sp => sp.GetRequiredService<IBytezClient>().AsVideoGenerator(BytezSimulator.VideoModel)),
            configure);
}
