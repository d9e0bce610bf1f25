using System.Net;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GenResilience.Tests.DependencyInjection;

public class AddGenerationClientsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? register = null)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        if (register is null)
        {
            services.AddGenerationClients();
        }
        else
        {
            register(services);
        }

        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddGenerationClients_NoArguments_BindsGenerationClientsSectionOfRegisteredConfiguration()
    {
        using ServiceProvider provider = Build(new()
        {
            ["GenerationClients:Bytez:ApiKeys:0"] = "test-key-1",
            ["GenerationClients:Bytez:ApiKeys:1"] = "test-key-2",
            ["GenerationClients:UseApi:ApiKeys:0"] = "test-token-1",
            ["GenerationClients:UseApi:AttemptTimeout"] = "00:03:00",
        });

        GenerationClientsOptions options = provider.GetRequiredService<IOptions<GenerationClientsOptions>>().Value;

        Assert.NotNull(options.Bytez);
        Assert.Equal(["test-key-1", "test-key-2"], options.Bytez.ApiKeys);
        Assert.Equal("Key", options.Bytez.ApiKeyScheme);
        Assert.Equal([401, 403, 402], options.Bytez.KeyRejectedStatusCodes);
        Assert.Equal(new Uri("https://api.bytez.com"), options.Bytez.BaseAddress);
        Assert.NotNull(options.UseApi);
        Assert.Equal(TimeSpan.FromMinutes(3), options.UseApi.AttemptTimeout);
        Assert.Equal(new Uri("https://api.useapi.net"), options.UseApi.BaseAddress);
        Assert.Null(options.Velro);
        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void AddGenerationClients_EnvironmentStyleKeys_FillProvidersWithoutKeys()
    {
        using ServiceProvider provider = Build(new()
        {
            ["BYTEZ_API_KEY_1"] = "test-key-1",
            ["BYTEZ_API_KEY_2"] = "test-key-2",
            ["USEAPI_API_TOKEN"] = "test-token-1",
        });

        GenerationClientsOptions options = provider.GetRequiredService<IOptions<GenerationClientsOptions>>().Value;

        Assert.Equal(["test-key-1", "test-key-2"], options.Bytez?.ApiKeys);
        Assert.Equal(["test-token-1"], options.UseApi?.ApiKeys);
        Assert.Null(options.Velro);
    }

    [Fact]
    public void AddGenerationClients_DoubleUnderscoreForm_IsTheStandardConfigurationPath()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["GenerationClients:Bytez:ApiKeys:0"] = "test-key-from-env" })
            .Build();
        var services = new ServiceCollection();
        services.AddGenerationClients(configuration.GetSection("GenerationClients"));
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Equal(["test-key-from-env"], provider.GetRequiredService<IOptions<GenerationClientsOptions>>().Value.Bytez?.ApiKeys);
    }

    [Fact]
    public void AddGenerationClients_ExplicitKeys_WinOverEnvironmentKeys()
    {
        using ServiceProvider provider = Build(new()
        {
            ["GenerationClients:Bytez:ApiKeys:0"] = "test-key-configured",
            ["BYTEZ_API_KEY_1"] = "test-key-env",
        });

        Assert.Equal(["test-key-configured"], provider.GetRequiredService<IOptions<GenerationClientsOptions>>().Value.Bytez?.ApiKeys);
    }

    [Fact]
    public void AddGenerationClients_ProviderWithoutKeys_FailsOnStartNamingTheSettingAndVariables()
    {
        using ServiceProvider provider = Build(new() { ["GenerationClients:Bytez:AttemptTimeout"] = "00:01:30" });

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("GenerationClients:Bytez:ApiKeys is empty; set at least one key in it or in the BYTEZ_API_KEY_1, BYTEZ_API_KEY_2, ... environment variables.", error.Failures);
    }

    [Fact]
    public void AddGenerationClients_VelroWithoutBaseAddress_FailsOnStart()
    {
        using ServiceProvider provider = Build(new() { ["GenerationClients:Velro:ApiKeys:0"] = "test-key-1" });

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(error.Failures, f => f.StartsWith("GenerationClients:Velro:BaseAddress is required", StringComparison.Ordinal));
    }

    [Fact]
    public void AddGenerationClients_ProviderRuleBroken_MessageUsesConfigurationPath()
    {
        using ServiceProvider provider = Build(new()
        {
            ["GenerationClients:UseApi:ApiKeys:0"] = "test-token-1",
            ["GenerationClients:UseApi:AttemptTimeout"] = "00:05:00",
            ["GenerationClients:UseApi:TotalTimeout"] = "00:01:00",
        });

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(error.Failures, f => f.StartsWith("GenerationClients:UseApi:AttemptTimeout (5m) is longer than GenerationClients:UseApi:TotalTimeout (1m)", StringComparison.Ordinal));
    }

    [Fact]
    public void AddGenerationClients_NothingConfigured_IsValidAndAProviderClientExplainsWhatIsMissing()
    {
        using ServiceProvider provider = Build(new());
        provider.GetRequiredService<IStartupValidator>().Validate();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(
            () => provider.GetRequiredService<IHttpClientFactory>().CreateClient(GenerationHttpClientNames.Bytez));

        Assert.Contains("The Bytez client is not configured", error.Message, StringComparison.Ordinal);
        Assert.Contains("BYTEZ_API_KEY_1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddGenerationClients_BytezClient_RunsThePipelineWithBytezDialect()
    {
        using var simulator = ProviderSimulator.Start();
        simulator.On(HttpMethod.Post, "/models/v2/m").Reply(SimulatedResponse.Ok());
        simulator.On(HttpMethod.Post, "/models/v2/m", "test-key-0000-0001").Reply(SimulatedResponse.Json(403, "{\"error\":\"Unauthorized\",\"output\":null}"));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new TrackingTimeProvider());
        services.AddGenerationClients(o => o.Bytez = new BytezClientOptions
        {
            BaseAddress = simulator.BaseAddress,
            ApiKeys = ["test-key-0000-0001", "test-key-0000-0002"],
        });
        services.AddGenerationClients(o => o.Bytez!.RetryDelays = [TimeSpan.FromSeconds(1)]);
        await using ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        HttpClient bytez = provider.GetRequiredService<IHttpClientFactory>().CreateClient(GenerationHttpClientNames.Bytez);

        using HttpResponseMessage response = await bytez.PostAsync("/models/v2/m", new StringContent("{}")).Bounded();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(simulator.BaseAddress, bytez.BaseAddress);
        // Each key's first use also sends Bytez's key check (GET /models/v2/list/tasks); here it is not scripted.
        Assert.Equal(["Key test-key-0000-0001", "Key test-key-0000-0002"], simulator.Requests.Where(r => r.Method == "POST").Select(r => r.Headers["Authorization"]));
    }

    [Fact]
    public async Task AddGenerationClients_FailureNamesProviderAndConfigurationPath()
    {
        using var simulator = ProviderSimulator.Start();
        simulator.On(HttpMethod.Get, "/v1/ltxstudio/assets/job-1").Reply(SimulatedResponse.Unauthorized());
        var services = new ServiceCollection();
        services.AddGenerationClients(o => o.UseApi = new UseApiClientOptions { BaseAddress = simulator.BaseAddress, ApiKeys = ["test-token-0000-0001"] });
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient useApi = provider.GetRequiredService<IHttpClientFactory>().CreateClient(GenerationHttpClientNames.UseApi);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => useApi.GetAsync("/v1/ltxstudio/assets/job-1").Bounded());

        Assert.Equal("UseApi", error.Provider);
        Assert.Contains("GenerationClients:UseApi:ApiKeys (or the USEAPI_API_TOKEN environment variable)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseApiClientOptions_Defaults_RetryCloudflare524Too()
    {
        var options = new UseApiClientOptions();

        Assert.Equal([500, 502, 503, 504, 522, 523, 524], options.RetryStatusCodes);
        Assert.Equal("Bearer", options.ApiKeyScheme);
        Assert.Null(new VelroClientOptions().BaseAddress);
    }
}
