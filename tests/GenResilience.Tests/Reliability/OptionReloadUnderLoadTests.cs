using System.Net;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Tests.Reliability;

public class OptionReloadUnderLoadTests
{
    private const string Old1 = "test-key-old-0001";
    private const string Old2 = "test-key-old-0002";
    private const string New1 = "test-key-new-0001";
    private const string New2 = "test-key-new-0002";

    [Fact]
    public async Task ApiKeysReplacedWhile64RequestsAreInFlight_NothingInFlightFailsAndTheNextRequestsUseOnlyTheNewKeys()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["R:ApiKeys:0"] = Old1, ["R:ApiKeys:1"] = Old2 })
            .Build();
        var time = new TrackingTimeProvider();
        using var simulator = ProviderSimulator.Start();
        simulator.Clock = time;

        // Old1 is revoked; every other answer takes 10 s (on the fake clock), so the 64 stay in flight over the reload.
        simulator.On(HttpMethod.Get, "/m").Reply(SimulatedResponse.Ok().WithDelay(TimeSpan.FromSeconds(10)));
        simulator.On(HttpMethod.Get, "/m", Old1).Reply(SimulatedResponse.Unauthorized());
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddHttpClient("R", c => c.BaseAddress = simulator.BaseAddress).AddGenerationResilience(configuration.GetSection("R"));
        await using ServiceProvider provider = services.BuildServiceProvider();
        HttpClient client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("R");

        Task<HttpResponseMessage>[] inFlight = [.. Enumerable.Range(0, 64).Select(_ => client.GetAsync("/m"))];
        await WaitAsync(() => simulator.Requests.Count(r => r.ApiKey == Old2) >= 64);

        configuration["R:ApiKeys:0"] = New1;
        configuration["R:ApiKeys:1"] = New2;
        configuration.Reload();
        Task<HttpResponseMessage>[] after = [.. Enumerable.Range(0, 10).Select(_ => client.GetAsync("/m"))];
        await WaitAsync(() => simulator.Requests.Count(r => r.ApiKey is New1 or New2) >= 10);
        time.Advance(TimeSpan.FromSeconds(10));

        HttpResponseMessage[] first = await Task.WhenAll(inFlight).Bounded();
        HttpResponseMessage[] second = await Task.WhenAll(after).Bounded();
        Assert.All(first.Concat(second), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        int sentBeforeReload = simulator.Requests.Count - 10;
        Assert.All(simulator.Requests.Skip(sentBeforeReload), r => Assert.Contains(r.ApiKey, new[] { New1, New2 }));
        Assert.Equal(5, simulator.Requests.Count(r => r.ApiKey == New1));
        Assert.Equal(5, simulator.Requests.Count(r => r.ApiKey == New2));
        foreach (HttpResponseMessage response in first.Concat(second))
        {
            response.Dispose();
        }
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        using var safety = new CancellationTokenSource(Helpers.TaskExtensions.Safety);
        while (!condition())
        {
            await Task.Delay(2, safety.Token);
        }
    }
}
