using GenResilience.Providers.Internal;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GenResilience.Tests.Providers.Velro;

public class VelroClientOptionsTests
{
    [Fact]
    public void Ctor_Defaults()
    {
        var options = new VelroClientOptions();

        Assert.Null(options.BaseAddress);
        Assert.Equal("Bearer", options.ApiKeyScheme);
        Assert.Equal([401], options.KeyRejectedStatusCodes);
        Assert.Equal([500, 502, 503, 504, 522, 523], options.RetryStatusCodes);
        Assert.Equal(TimeSpan.FromMinutes(10), options.ModelCacheDuration);
        Assert.Equal(TimeSpan.FromSeconds(3), options.PollInterval);
        Assert.Equal(TimeSpan.FromMinutes(20), options.JobTimeout);
        Assert.True(options.CheckCreditsBeforeCreate);
        Assert.True(options.RetryNonIdempotentAfterAmbiguousFailure);
        Assert.Equal("/api/v1/generations", options.GenerationsPath);
        Assert.Equal("/api/v1/generations/models/supported", options.ModelsPath);
        Assert.Equal("/api/v1/auth/me", options.CurrentUserPath);
        Assert.Equal("/health", options.HealthPath);
        Assert.NotSame(GenerationOutcomeClassifier.Default, options.Classifier);
        using HttpRequestMessage check = options.KeyCheck!();
        Assert.Equal(HttpMethod.Get, check.Method);
        Assert.Equal("/api/v1/auth/me", check.RequestUri!.OriginalString);
    }

    [Fact]
    public void KeyCheck_CurrentUserPathChanged_FollowsIt()
    {
        var options = new VelroClientOptions { CurrentUserPath = "/v2/me" };

        using HttpRequestMessage check = options.KeyCheck!();

        Assert.Equal("/v2/me", check.RequestUri!.OriginalString);
    }

    [Fact]
    public void AddGenerationClients_VelroFromConfiguration_BindsTheVelroSettings()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GenerationClients:Velro:BaseAddress"] = "https://velro.example.com",
            ["GenerationClients:Velro:ApiKeys:0"] = "test-velro-token-0001",
            ["GenerationClients:Velro:PollInterval"] = "00:00:05",
            ["GenerationClients:Velro:JobTimeout"] = "00:30:00",
            ["GenerationClients:Velro:ModelCacheDuration"] = "00:01:00",
            ["GenerationClients:Velro:CheckCreditsBeforeCreate"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddGenerationClients();
        using ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        VelroClientOptions velro = provider.GetRequiredService<IOptions<GenerationClientsOptions>>().Value.Velro!;

        Assert.Equal(TimeSpan.FromSeconds(5), velro.PollInterval);
        Assert.Equal(TimeSpan.FromMinutes(30), velro.JobTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), velro.ModelCacheDuration);
        Assert.False(velro.CheckCreditsBeforeCreate);
        Assert.IsType<VelroClient>(provider.GetRequiredService<IVelroClient>());
        Assert.Same(provider.GetRequiredService<IVelroClient>(), provider.GetRequiredService<IVelroClient>());
    }

    [Fact]
    public void AddGenerationClients_InvalidVelroSettings_FailOnStartNamingEachSetting()
    {
        var services = new ServiceCollection();
        services.AddGenerationClients(o => o.Velro = new VelroClientOptions
        {
            BaseAddress = new Uri("https://velro.example.com"),
            ApiKeys = ["test-velro-token-0001"],
            PollInterval = TimeSpan.FromMinutes(20),
            JobTimeout = TimeSpan.FromMinutes(15),
            ModelCacheDuration = TimeSpan.FromSeconds(-1),
            ModelsPath = "api/v1/models",
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("GenerationClients:Velro:PollInterval (20m) must be between 100ms and 10m.", error.Failures);
        Assert.Contains("GenerationClients:Velro:JobTimeout (15m) is shorter than GenerationClients:Velro:PollInterval (20m); a generation could never be read twice. Make JobTimeout the larger.", error.Failures);
        Assert.Contains("GenerationClients:Velro:ModelCacheDuration (-1s) must be between 0ms and 24h.", error.Failures);
        Assert.Contains("GenerationClients:Velro:ModelsPath ('api/v1/models') must be a path that starts with '/', without spaces or a query, such as /api/v1/generations/models/supported.", error.Failures);
    }

    [Fact]
    public void AddGenerationClients_VelroSectionWithoutBaseAddress_FailsOnStartSayingItIsRequired()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GenerationClients:Velro:ApiKeys:0"] = "test-velro-token-0001",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddGenerationClients();
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(
            ["GenerationClients:Velro:BaseAddress is required; set it to the address of your Velro API, for example https://api.example.com."],
            error.Failures);
    }

    [Fact]
    public async Task AddGenerationClients_VelroNotConfigured_ClientExplainsWhatIsMissing()
    {
        var services = new ServiceCollection();
        services.AddGenerationClients(o => o.Bytez = new BytezClientOptions { ApiKeys = ["test-key-0000-0001"] });
        await using ServiceProvider provider = services.BuildServiceProvider();
        IVelroClient velro = provider.GetRequiredService<IVelroClient>();

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => velro.GetSupportedModelsAsync());

        Assert.Contains("The Velro client is not configured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VelroClient_BuiltFromProviderClientServices_WorksWithoutTheDiRegistration()
    {
        using var velro = VelroSimulator.Start();
        var services = new ServiceCollection();
        services.AddGenerationClients(o => o.Velro = new VelroClientOptions { BaseAddress = velro.BaseAddress, ApiKeys = ["test-velro-token-0001"] });
        await using ServiceProvider provider = services.BuildServiceProvider();
        var client = new VelroClient(new ProviderClientServices<VelroClientOptions>(provider, ProviderInfo.Velro));

        VelroUser user = await client.GetCurrentUserAsync().Bounded();

        Assert.Equal("test-user@example.com", user.Email);
    }
}
