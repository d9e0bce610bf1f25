using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GenResilience.Tests.Providers.Bytez;

/// <summary>The test shown in docs/providers/bytez.md ("Testing your code"), kept here so the page stays true.</summary>
public class BytezDocsExampleTests
{
    [Fact]
    public async Task MakeThumbnail_FirstKeyRevoked_StillMakesTheImage()
    {
        var time = new FakeTimeProvider();
        using var bytez = BytezSimulator.Start()
            .WithKey("test-key-revoked", BytezKeyState.Unauthorized)
            .WithKey("test-key-good");
        bytez.Clock = time;

        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddGenerationClients(o => o.Bytez = new BytezClientOptions
        {
            BaseAddress = bytez.BaseAddress,
            ApiKeys = ["test-key-revoked", "test-key-good"],
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        IBytezClient client = provider.GetRequiredService<IBytezClient>();

        string url = await client.GenerateImageAsync(BytezSimulator.ImageModel, "a red fox").Bounded();

        Assert.StartsWith("https://", url, StringComparison.Ordinal);
        Assert.Equal("test-key-good", Assert.Single(bytez.Runs).ApiKey);
    }
}
