using GenResilience.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static GenResilience.Tests.Providers.UseApi.UseApiHarness;

namespace GenResilience.Tests.Providers.UseApi;

public class UseApiSetupTests
{
    [Fact]
    public async Task AddGenerationClients_TokenFromUSEAPI_API_TOKENAndAccountsFromConfiguration_ResolvesAWorkingClient()
    {
        using var h = FromConfiguration(
            new()
            {
                ["USEAPI_API_TOKEN"] = Token1,
                ["GenerationClients:UseApi:Accounts:0:Email"] = "a@example.com",
                ["GenerationClients:UseApi:Accounts:0:Models:0"] = "LTX Turbo",
                ["GenerationClients:UseApi:Accounts:0:MinimumBalance"] = "20",
                ["GenerationClients:UseApi:FallbackModel"] = "ltx",
                ["GenerationClients:UseApi:PollInterval"] = "00:00:05",
            },
            s => s.AddAccount("a@example.com"));

        UseApiVideoResult result = await h.RunAsync(h.Client.GenerateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));

        Assert.Equal("a@example.com", result.Email);
        Assert.All(h.Simulator.Requests, r => Assert.Equal(Token1, r.ApiKey));
        Assert.Equal("Bearer " + Token1, h.Simulator.Requests[0].Headers["Authorization"]);
        UseApiClientOptions options = h.Services.GetRequiredService<IOptionsMonitor<GenerationClientsOptions>>().CurrentValue.UseApi!;
        Assert.Same(UseApiModel.Ltxv, options.FallbackModel);
        SimulatedRequest[] polls = [.. h.Simulator.RequestsUnder("/v1/ltxstudio/assets/")];
        Assert.Equal(TimeSpan.FromSeconds(5), polls[1].ReceivedAt - polls[0].ReceivedAt);
    }

    [Fact]
    public void AddGenerationClients_UnknownFallbackModelInConfiguration_FailsNamingTheSettingAndTheAcceptedNames()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GenerationClients:UseApi:ApiKeys:0"] = Token1,
            ["GenerationClients:UseApi:FallbackModel"] = "gpt-4o-mini",
        }).Build());
        services.AddGenerationClients();
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptionsMonitor<GenerationClientsOptions>>().CurrentValue);

        Assert.StartsWith("GenerationClients:UseApi:FallbackModel ('gpt-4o-mini') is not a UseAPI model. Accepted: ltxv, ltxv-turbo,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IUseApiClient_WithoutUseApiSettings_SaysWhatToConfigure()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddGenerationClients(o => o.Bytez = new BytezClientOptions { ApiKeys = ["test-key-1"] });
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IUseApiClient>());

        Assert.Contains("GenerationClients:UseApi", error.Message, StringComparison.Ordinal);
        Assert.Contains("USEAPI_API_TOKEN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_BadAccounts_FailsNamingEachSetting()
    {
        var services = new ServiceCollection();
        services.AddGenerationClients(o => o.UseApi = new UseApiClientOptions
        {
            ApiKeys = ["test-token-1"],
            Accounts =
            [
                new UseApiAccountOptions { Email = "a@example.com", Models = ["veo-2", "gpt-4o-mini"] },
                new UseApiAccountOptions { Email = "A@example.com", MinimumBalance = -5 },
            ],
            FallbackModel = UseApiModel.Veo3,
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(error.Failures, f => f.Contains("GenerationClients:UseApi:Accounts:0:Models has 'gpt-4o-mini', which is not a UseAPI model. Accepted: ltxv,", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("GenerationClients:UseApi:Accounts:1:Email ('A@example.com') repeats an earlier account", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("GenerationClients:UseApi:Accounts:1:MinimumBalance (-5) is negative", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("GenerationClients:UseApi:FallbackModel (veo3) is a VEO model", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Failures, f => f.Contains("veo-2", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_PollIntervalOutOfRange_FailsNamingTheSetting()
    {
        var services = new ServiceCollection();
        services.AddGenerationClients(o => o.UseApi = new UseApiClientOptions { ApiKeys = ["test-token-1"], PollInterval = TimeSpan.Zero });
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(error.Failures, f => f.Contains("PollInterval", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateVideoAsync_BadRequests_InvalidRequestBeforeAnythingIsSent()
    {
        using var h = Create();

        GenerationException empty = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = " " }));
        GenerationException veo2 = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox", Model = UseApiModel.Veo2 }));
        GenerationException tooLong = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = new string('a', 2001) }));
        GenerationException notFlow = await Assert.ThrowsAsync<GenerationException>(() => h.Client.CreateFlowVideoAsync(new UseApiVideoRequest { Prompt = "a fox", Model = UseApiModel.Ltxv }));

        Assert.All([empty, veo2, tooLong, notFlow], e => Assert.Equal(GenerationErrorKind.InvalidRequest, e.Kind));
        Assert.Equal("StartAssetId", Assert.Single(veo2.ValidationErrors).Field);
        Assert.Contains("2001 characters", tooLong.Message, StringComparison.Ordinal);
        Assert.Empty(h.Simulator.Requests);
    }
}
