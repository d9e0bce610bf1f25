using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GenResilience.Tests.Providers.Bytez;

public class BytezClientOptionsTests
{
    [Fact]
    public void Ctor_Defaults()
    {
        var options = new BytezClientOptions();

        Assert.Equal(new Uri("https://api.bytez.com"), options.BaseAddress);
        Assert.Equal("models/v2/", options.ApiPath);
        Assert.Equal("Key", options.ApiKeyScheme);
        Assert.Equal("Authorization", options.ApiKeyHeaderName);
        Assert.Equal([401, 403, 402], options.KeyRejectedStatusCodes);
        Assert.Same(BytezOutcomeClassifier.Instance, options.Classifier);
        Assert.Equal(TimeSpan.FromSeconds(90), options.ImageTimeout);
        Assert.Equal(TimeSpan.FromSeconds(180), options.VideoTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromMinutes(15), options.TotalTimeout);
        Assert.Null(options.MaxConcurrentRequests);
        Assert.Equal(100, options.MaxQueueLength);
        Assert.Equal(10, options.QueueOvertakeLimit);
        Assert.True(options.ValidateModelIds);
        Assert.Equal(TimeSpan.FromMinutes(5), options.ModelListCacheDuration);
        Assert.True(options.RetryNonIdempotentAfterAmbiguousFailure);
        Assert.Empty(options.ApiKeys);

        using HttpRequestMessage check = options.KeyCheck!();
        Assert.Equal(HttpMethod.Get, check.Method);
        Assert.Equal("models/v2/list/tasks", check.RequestUri!.OriginalString);
    }

    [Fact]
    public void KeyCheck_FollowsApiPath()
    {
        var options = new BytezClientOptions { ApiPath = "models/v3/" };

        using HttpRequestMessage check = options.KeyCheck!();

        Assert.Equal("models/v3/list/tasks", check.RequestUri!.OriginalString);
    }

    public static TheoryData<Action<BytezClientOptions>, string> InvalidOptions => new()
    {
        { o => o.ApiPath = "/models/v2/", "GenerationClients:Bytez:ApiPath ('/models/v2/') must be a relative path that ends with '/', such as models/v2/." },
        { o => o.ApiPath = "models/v2", "GenerationClients:Bytez:ApiPath ('models/v2') must be a relative path that ends with '/', such as models/v2/." },
        { o => o.ImageTimeout = TimeSpan.Zero, "GenerationClients:Bytez:ImageTimeout (0ms) must be more than zero and at most a day." },
        { o => o.VideoTimeout = TimeSpan.FromDays(2), "GenerationClients:Bytez:VideoTimeout (48h) must be more than zero and at most a day." },
        { o => o.TotalTimeout = TimeSpan.FromMinutes(2), "GenerationClients:Bytez:VideoTimeout (3m) is longer than GenerationClients:Bytez:TotalTimeout (2m); an attempt could never use it all. Make TotalTimeout the larger." },
        { o => o.MaxConcurrentRequests = 0, "GenerationClients:Bytez:MaxConcurrentRequests (0) must be between 1 and 100000, or empty for no limit." },
        { o => o.MaxQueueLength = -1, "GenerationClients:Bytez:MaxQueueLength (-1) must be between 0 and 1000000." },
        { o => o.QueueOvertakeLimit = -1, "GenerationClients:Bytez:QueueOvertakeLimit (-1) must be between 0 and 1000000." },
        { o => o.ModelListCacheDuration = TimeSpan.FromSeconds(-1), "GenerationClients:Bytez:ModelListCacheDuration (-1s) must be between zero and a day." },
        { o => o.RejectedKeyCooldown = TimeSpan.Zero, "RejectedKeyCooldown: The field GenerationClients:Bytez.RejectedKeyCooldown must be between 00:00:01 and 7.00:00:00." },
        { o => o.ApiKeys = [], "GenerationClients:Bytez:ApiKeys is empty; set at least one key in it or in the BYTEZ_API_KEY_1, BYTEZ_API_KEY_2, ... environment variables." },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void ValidateOnStart_InvalidOptions_FailWithTheMessage(Action<BytezClientOptions> configure, string expected)
    {
        var services = new ServiceCollection();
        services.AddGenerationClients(o =>
        {
            o.Bytez = new BytezClientOptions { ApiKeys = ["test-key-1"] };
            configure(o.Bytez);
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, error.Failures);
    }

    [Fact]
    public async Task AddGenerationClients_GenerationClientsBytezSection_ResolvesIBytezClientWithTheBoundSettings()
    {
        using BytezSimulator simulator = BytezSimulator.Start();
        var time = new TrackingTimeProvider();
        simulator.Clock = time;
        simulator.WithModel(BytezSimulator.ImageModel, "text-to-image", TimeSpan.FromSeconds(40));
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GenerationClients:Bytez:BaseAddress"] = simulator.BaseAddress.ToString(),
            ["GenerationClients:Bytez:ApiKeys:0"] = "test-key-1",
            ["GenerationClients:Bytez:ImageTimeout"] = "00:00:30",
            ["GenerationClients:Bytez:RetryDelays:0"] = "00:00:05",
            ["GenerationClients:Bytez:MaxConcurrentRequests"] = "1",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton<TimeProvider>(time);
        services.AddGenerationClients();
        await using ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        IBytezClient client = provider.GetRequiredService<IBytezClient>();
        Task<string> image = client.GenerateImageAsync(BytezSimulator.ImageModel, "a fox");

        // ImageTimeout from configuration (30 s) bounds each attempt, RetryDelays (one retry after 5 s) follow it.
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(40));
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(30));
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(5));
        await simulator.WaitForRunsAsync(2);
        await time.WaitForTimersAsync(TimeSpan.FromSeconds(30), 1);
        time.Advance(TimeSpan.FromSeconds(30));
        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => image).Bounded();

        Assert.Same(client, provider.GetRequiredService<IBytezClient>());
        Assert.Equal(GenerationErrorKind.Timeout, error.Kind);
        Assert.Equal(2, error.Attempts);
        Assert.All(simulator.Runs, r => Assert.Equal("Key test-key-1", r.Headers["Authorization"]));
        Assert.EndsWith("Each image attempt is bounded by GenerationClients:Bytez:ImageTimeout (30s).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddGenerationClients_BytezNotConfigured_ResolvesIBytezClientWhoseCallsSayWhatToSet()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddGenerationClients();
        await using ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        IBytezClient client = provider.GetRequiredService<IBytezClient>();
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GenerateImageAsync(BytezSimulator.ImageModel, "a fox")).Bounded();

        Assert.Equal(
            "The Bytez client is not configured. Add a 'GenerationClients:Bytez' configuration section, set the BYTEZ_API_KEY_1, BYTEZ_API_KEY_2, ... environment variables, or set options.Bytez in AddGenerationClients(options => ...).",
            error.Message);
    }
}
