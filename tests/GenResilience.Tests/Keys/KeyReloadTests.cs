using System.Net;
using GenResilience.Keys.Internal;
using GenResilience.Resilience.Internal;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using GenResilience.Tests.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Tests.Keys;

/// <summary>
/// What a configuration reload does to requests waiting in a paced key's line: a key that goes, or whose rate changes,
/// lets its waiters choose again under the new options; a key that stays keeps its pace.
/// </summary>
public sealed class KeyReloadTests : IAsyncDisposable
{
    private const string Old = "test-key-old-0001";
    private const string New1 = "test-key-new-0001";
    private const string New2 = "test-key-new-0002";
    private const string New3 = "test-key-new-0003";
    private const string New4 = "test-key-new-0004";
    private const string New5 = "test-key-new-0005";

    private readonly IConfigurationRoot _configuration;
    private readonly TrackingTimeProvider _time = new();
    private readonly ProviderSimulator _simulator = ProviderSimulator.Start();
    private readonly ServiceProvider _provider;
    private readonly HttpClient _client;

    public KeyReloadTests()
    {
        // One request per 10 s per key: after the first, a key's requests wait in its line.
        _configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["R:ApiKeys:0"] = Old, ["R:RequestsPerSecondPerKey"] = "0.1" })
            .Build();
        _simulator.Clock = _time;
        _simulator.On(HttpMethod.Get, "/m").Reply(SimulatedResponse.Ok());
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddHttpClient("R", c => c.BaseAddress = _simulator.BaseAddress).AddGenerationResilience(_configuration.GetSection("R"));
        _provider = services.BuildServiceProvider();
        _client = _provider.GetRequiredService<IHttpClientFactory>().CreateClient("R");
    }

    private ApiKeyPool Pool => _provider.GetRequiredService<GenerationClientRegistry>().Find("R")!.Pool;

    [Fact]
    public async Task Reload_RemovesTheKeyRequestsWaitFor_TheyGoOutWithTheNewKeysAtOnce()
    {
        Task<HttpResponseMessage>[] waiting = await FirstSentAndFourWaitingAsync();

        string[] added = [New1, New2, New3, New4, New5];
        for (int i = 0; i < added.Length; i++)
        {
            _configuration[$"R:ApiKeys:{i}"] = added[i];
        }

        _configuration.Reload();
        Task<HttpResponseMessage> next = _client.GetAsync("/m"); // the next request reads the new options

        HttpResponseMessage[] responses = await Task.WhenAll([.. waiting, next]).Bounded();
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(6, _simulator.Requests.Count);
        Assert.Single(_simulator.Requests, r => r.ApiKey == Old);
        Assert.Equal(added.Order(), _simulator.Requests.Where(r => r.ApiKey != Old).Select(r => r.ApiKey).Order());
        Assert.All(_simulator.Requests, r => Assert.Equal(_time.Start, r.ReceivedAt));
    }

    [Fact]
    public async Task Reload_RaisesTheRateOfTheKeyRequestsWaitFor_TheyGoOutAtTheNewRate()
    {
        Task<HttpResponseMessage>[] waiting = await FirstSentAndFourWaitingAsync();

        _configuration["R:RequestsPerSecondPerKey"] = "1000";
        _configuration.Reload();
        Task<HttpResponseMessage> next = _client.GetAsync("/m");

        HttpResponseMessage[] responses = await Task.WhenAll([.. waiting, next]).Bounded();
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(6, _simulator.Requests.Count);
        Assert.All(_simulator.Requests, r => Assert.Equal(Old, r.ApiKey));

        // 1,000 per second: the waiters leave together with the next request, not 10 s apart.
        Assert.All(_simulator.Requests, r => Assert.Equal(_time.Start, r.ReceivedAt));
    }

    [Fact]
    public async Task Reload_RemovesTheKeyRequestsWaitForAndNoRequestFollows_NoneIsSentWithTheRemovedKey()
    {
        Task<HttpResponseMessage>[] waiting = await FirstSentAndFourWaitingAsync();

        _configuration["R:ApiKeys:0"] = New1;
        _configuration.Reload();

        // The waiters wake on their own (the old key's pace); the new key, at the same rate, takes one per 10 s. The clock
        // moves to the next timer only while the next request has not reached the server, and each request is answered
        // before the clock moves on.
        for (int sent = 2; sent <= 5; sent++)
        {
            int expected = sent;
            await Fleet.WaitUntilAsync(
                () =>
                {
                    if (_simulator.Requests.Count >= expected)
                    {
                        return true;
                    }

                    if (_time.NextDue(TimeSpan.FromSeconds(11)) is { } due)
                    {
                        _time.Advance(due);
                    }

                    return false;
                },
                $"request {expected} sent");
            await Fleet.WaitUntilAsync(() => waiting.Count(w => w.IsCompleted) >= expected, $"request {expected} answered");
        }

        HttpResponseMessage[] responses = await Task.WhenAll(waiting).Bounded();
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(5, _simulator.Requests.Count);
        Assert.Equal([Old, New1, New1, New1, New1], _simulator.Requests.Select(r => r.ApiKey));

        // The new key keeps to the pace: at least 10 s between its requests.
        DateTimeOffset[] at = [.. _simulator.Requests.Select(r => r.ReceivedAt)];
        Assert.All(Enumerable.Range(1, 4), i => Assert.True(at[i] - at[i - 1] >= TimeSpan.FromSeconds(10), $"request {i + 1} {(at[i] - at[i - 1]).TotalSeconds}s after the one before"));
    }

    [Fact]
    public async Task Reload_KeepsTheKeyRequestsWaitFor_TheyAreSentUnderTheNewOptions()
    {
        // The key stays and so does its pace; another setting changes. A 401 on a request that waited across the reload
        // is news about the key in force: it quarantines the key at once (with the cooldown of the options the request
        // started with), and the other waiters fail without sending.
        _simulator.On(HttpMethod.Get, "/m").Reply(SimulatedResponse.Ok(), SimulatedResponse.Unauthorized());
        Task<HttpResponseMessage>[] waiting = await FirstSentAndFourWaitingAsync();

        _configuration["R:RejectedKeyCooldown"] = "00:20:00";
        _configuration.Reload();
        _time.Advance(TimeSpan.FromSeconds(10));

        foreach (Task<HttpResponseMessage> call in waiting.Skip(1))
        {
            await Assert.ThrowsAsync<GenerationException>(() => call.Bounded());
        }

        Assert.Equal(2, _simulator.Requests.Count);
        Assert.Equal(_time.Start + TimeSpan.FromSeconds(10), _simulator.Requests[1].ReceivedAt);
        Assert.Equal(_time.Start + TimeSpan.FromSeconds(10) + TimeSpan.FromMinutes(10), Pool.Slots.Single().QuarantinedUntil);
    }

    [Fact]
    public async Task Reload_AddsAKey_TheKeyThatStaysKeepsItsPace()
    {
        using (HttpResponseMessage first = await _client.GetAsync("/m").Bounded())
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        _configuration["R:ApiKeys:1"] = New1;
        _configuration.Reload();
        Task<HttpResponseMessage> second = _client.GetAsync("/m");
        Task<HttpResponseMessage> third = _client.GetAsync("/m");
        await Fleet.WaitUntilAsync(() => _simulator.Requests.Count == 2 && Pool.Slots.Sum(s => s.Admission.Waiting) == 1, "one request sent with the new key, one waiting");

        // The old key sent a request at the start: it is not free again before 10 s, whatever the reload.
        Assert.Equal(New1, _simulator.Requests[1].ApiKey);
        Assert.False(third.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(10));
        HttpResponseMessage[] later = await Task.WhenAll(second, third).Bounded();

        Assert.All(later, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(_time.Start + TimeSpan.FromSeconds(10), _simulator.Requests[2].ReceivedAt);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _provider.DisposeAsync();
        _simulator.Dispose();
    }

    private async Task<Task<HttpResponseMessage>[]> FirstSentAndFourWaitingAsync()
    {
        Task<HttpResponseMessage>[] calls = [.. Enumerable.Range(0, 5).Select(_ => _client.GetAsync("/m"))];
        await Fleet.WaitUntilAsync(() => _simulator.Requests.Count == 1 && Pool.Slots.Sum(s => s.Admission.Waiting) == 4, "one request sent, four in the key's line");
        return calls;
    }
}
