using GenResilience.Tests.Helpers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Tests.Failover;

/// <summary>Registering a failover in DI: the targets in order, keys, options, middleware, and who disposes what.</summary>
public class FailoverRegistrationTests
{
    [Fact]
    public void AddVideoGenerationFailover_ResolvesAFailoverOverTheTargetsInOrder()
    {
        var services = new ServiceCollection();
        services.AddVideoGenerationFailover(t => t
            .Add("flow", _ => new FakeVideoGenerator("flow"), cost: 40)
            .Add("velro", _ => new FakeVideoGenerator("velro"), cost: 500));
        using ServiceProvider provider = services.BuildServiceProvider();

        IVideoGenerator videos = provider.GetRequiredService<IVideoGenerator>();

        FailoverVideoGenerator failover = Assert.IsType<FailoverVideoGenerator>(videos);
        Assert.Equal(["flow", "velro"], failover.Targets.Select(t => t.Name));
        Assert.Equal([40m, 500m], failover.Targets.Select(t => t.Cost));
        Assert.Equal("failover", ((VideoGeneratorMetadata)videos.GetService(typeof(VideoGeneratorMetadata))!).ProviderName);
        Assert.Same(videos, provider.GetRequiredService<IVideoGenerator>());
    }

    [Fact]
    public async Task AddKeyedVideoGenerationFailover_TargetsRegisteredByKey_AreResolvedFromDI()
    {
        var flow = new FakeVideoGenerator("flow");
        var velro = new FakeVideoGenerator("velro");
        var services = new ServiceCollection();
        services.AddKeyedSingleton<IVideoGenerator>("veo-3.1-fast", flow);
        services.AddKeyedSingleton<IVideoGenerator>("fal-ai/veo3", velro);
        services.AddKeyedVideoGenerationFailover("videos", t => t.AddKeyed("flow", "veo-3.1-fast").AddKeyed("velro", "fal-ai/veo3"));
        using ServiceProvider provider = services.BuildServiceProvider();
        flow.FailNext(FailoverFakes.Error(GenerationErrorKind.NoAccountAvailable));

        IVideoGenerator videos = provider.GetRequiredKeyedService<IVideoGenerator>("videos");
        VideoGenerationResponse response = await videos.GenerateAsync(FailoverFakes.Request()).Bounded();

        Assert.Null(provider.GetService<IVideoGenerator>());
        Assert.Equal("velro", response.Failover!.ServedBy);
        Assert.Equal(1, flow.Calls);
    }

    [Fact]
    public async Task AddVideoGenerationFailover_Options_AreTheOnesConfigured()
    {
        var services = new ServiceCollection();
        services.AddVideoGenerationFailover(
            t => t.Add("flow", _ => new FakeVideoGenerator("flow"), cost: 40).Add("ltx", _ => new FakeVideoGenerator("ltx"), cost: 4),
            o => o.PreferCheapest = true);
        using ServiceProvider provider = services.BuildServiceProvider();

        VideoGenerationResponse response = await provider.GetRequiredService<IVideoGenerator>().GenerateAsync(FailoverFakes.Request()).Bounded();

        Assert.Equal("ltx", response.Failover!.ServedBy);
    }

    [Fact]
    public async Task AddVideoGenerationFailover_TwoKeys_HaveTheirOwnOptionsAndCircuits()
    {
        var services = new ServiceCollection();
        services.AddKeyedVideoGenerationFailover("cheap", t => t.Add("flow", _ => new FakeVideoGenerator("flow"), 40).Add("ltx", _ => new FakeVideoGenerator("ltx"), 4), o => o.PreferCheapest = true);
        services.AddKeyedVideoGenerationFailover("best", t => t.Add("flow", _ => new FakeVideoGenerator("flow"), 40).Add("ltx", _ => new FakeVideoGenerator("ltx"), 4));
        using ServiceProvider provider = services.BuildServiceProvider();

        VideoGenerationResponse cheap = await provider.GetRequiredKeyedService<IVideoGenerator>("cheap").GenerateAsync(FailoverFakes.Request()).Bounded();
        VideoGenerationResponse best = await provider.GetRequiredKeyedService<IVideoGenerator>("best").GenerateAsync(FailoverFakes.Request()).Bounded();

        Assert.Equal("ltx", cheap.Failover!.ServedBy);
        Assert.Equal("flow", best.Failover!.ServedBy);
    }

    [Fact]
    public void Dispose_TargetsMadeByFactories_AreDisposedWithTheFailoverAndOthersAreNot()
    {
        var made = new FakeVideoGenerator("made");
        var given = new FakeVideoGenerator("given");
        var services = new ServiceCollection();
        services.AddVideoGenerationFailover(t => t.Add("made", _ => made).Add("given", given));
        ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredService<IVideoGenerator>();

        provider.Dispose();

        Assert.True(made.Disposed);
        Assert.False(given.Disposed);
    }

    [Fact]
    public async Task AddImageGenerationFailover_ReturnsMeaisBuilder_SoMiddlewareWrapsTheFailover()
    {
        var bytez = new FakeImageGenerator("bytez").FailNext(FailoverFakes.Error(GenerationErrorKind.Unauthorized));
        var velro = new FakeImageGenerator("velro");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddImageGenerationFailover(t => t.Add("bytez", bytez).Add("velro", velro))
            .ConfigureOptions(o => o.Count = 2)
            .UseLogging();
        using ServiceProvider provider = services.BuildServiceProvider();

        IImageGenerator images = provider.GetRequiredService<IImageGenerator>();
        ImageGenerationResponse response = await images.GenerateAsync(new ImageGenerationRequest("a red fox")).Bounded();

        Assert.IsNotType<FailoverImageGenerator>(images);
        Assert.NotNull(images.GetService<FailoverImageGenerator>());
        Assert.Equal("failover", images.GetService<ImageGeneratorMetadata>()!.ProviderName);
        Assert.Equal("velro result", response.RawRepresentation);
        Assert.Equal("velro", response.GetFailoverReport()!.ServedBy);
        Assert.Equal(1, bytez.Calls);
    }

    [Fact]
    public void AddKeyedImageGenerationFailover_IsAKeyedImageGenerator()
    {
        var services = new ServiceCollection();
        services.AddKeyedImageGenerationFailover("images", t => t.Add("bytez", _ => new FakeImageGenerator("bytez")));
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.IsType<FailoverImageGenerator>(provider.GetRequiredKeyedService<IImageGenerator>("images"));
        Assert.Null(provider.GetService<IImageGenerator>());
    }

    [Fact]
    public void GetFailoverReport_ResponseNotMadeByAFailover_IsNull()
    {
        var response = new ImageGenerationResponse([new UriContent(new Uri("https://cdn.example.com/a.png"), "image/png")]);

        Assert.Null(response.GetFailoverReport());
    }

    [Fact]
    public void Add_EmptyName_ThrowsAtRegistration()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddVideoGenerationFailover(t => t.Add(" ", _ => new FakeVideoGenerator("x"))));
    }
}
