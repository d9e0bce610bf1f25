using GenResilience.Testing;
using GenResilience.Tests.DependencyInjection;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GenResilience.Tests.Providers.Bytez;

/// <summary>The one-line setup of the bug report's bot: keys in BYTEZ_API_KEY_1..N, the first one revoked.</summary>
[Collection(nameof(ProcessEnvironment))]
public class BytezEnvironmentKeyTests
{
    [Fact]
    public async Task IBytezClient_KeysFromProcessEnvironment_Key1RevokedCostsOneCheckAndKey2ServesEveryCall()
    {
        using BytezSimulator simulator = BytezSimulator.Start()
            .WithKey("test-key-env-0001", BytezKeyState.Unauthorized)
            .WithKey("test-key-env-0002");
        try
        {
            Environment.SetEnvironmentVariable("BYTEZ_API_KEY_1", "test-key-env-0001");
            Environment.SetEnvironmentVariable("BYTEZ_API_KEY_2", "test-key-env-0002");
            var services = new ServiceCollection();
            services.AddGenerationClients(o => o.Bytez = new BytezClientOptions { BaseAddress = simulator.BaseAddress });
            await using ServiceProvider provider = services.BuildServiceProvider();
            provider.GetRequiredService<IStartupValidator>().Validate();
            IBytezClient bytez = provider.GetRequiredService<IBytezClient>();

            string[] urls = await Task.WhenAll(Enumerable.Range(1, 5).Select(i => bytez.GenerateImageAsync(BytezSimulator.ImageModel, "fox " + i))).Bounded();

            Assert.All(urls, url => Assert.StartsWith("https://cdn.bytez.com/outputs/", url, StringComparison.Ordinal));
            Assert.All(simulator.Runs, r => Assert.Equal("test-key-env-0002", r.ApiKey));
            Assert.Equal(5, simulator.Runs.Count);
            Assert.Single(simulator.Requests, r => r.ApiKey == "test-key-env-0001");
        }
        finally
        {
            Environment.SetEnvironmentVariable("BYTEZ_API_KEY_1", null);
            Environment.SetEnvironmentVariable("BYTEZ_API_KEY_2", null);
        }
    }
}
