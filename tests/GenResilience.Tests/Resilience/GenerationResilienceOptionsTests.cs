using GenResilience.Tests.Helpers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GenResilience.Tests.Resilience;

public class GenerationResilienceOptionsTests
{
    [Fact]
    public void Ctor_Defaults()
    {
        var options = new GenerationResilienceOptions();

        Assert.Equal([500, 502, 503, 504, 522, 523], options.RetryStatusCodes);
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)], options.RetryDelays);
        Assert.False(options.UseJitter);
        Assert.Empty(options.ApiKeys);
        Assert.Equal("Authorization", options.ApiKeyHeaderName);
        Assert.Null(options.ApiKeyScheme);
        Assert.Equal("Bearer", options.EffectiveApiKeyScheme);
        Assert.Equal([401], options.KeyRejectedStatusCodes);
        Assert.Equal(TimeSpan.FromMinutes(10), options.RejectedKeyCooldown);
        Assert.Equal(TimeSpan.FromMinutes(2), options.MaxRetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(2), options.RateLimitDelay);
        Assert.Equal(3, options.MaxRateLimitRetries);
        Assert.Equal(TimeSpan.FromSeconds(15), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromMinutes(15), options.TotalTimeout);
        Assert.Same(GenerationOutcomeClassifier.Default, options.Classifier);
    }

    [Fact]
    public void Ctor_ListsAreNotShared()
    {
        var first = new GenerationResilienceOptions();
        first.RetryDelays.Add(TimeSpan.FromMinutes(1));
        first.ApiKeys.Add("test-key-1");

        var second = new GenerationResilienceOptions();

        Assert.Equal(3, second.RetryDelays.Count);
        Assert.Empty(second.ApiKeys);
    }

    public static TheoryData<Action<GenerationResilienceOptions>, string> InvalidOptions => new()
    {
        { o => o.RetryDelays = null!, "GenerationResilienceOptions.RetryDelays is null; leave it empty for no server-error retries (the default is 5s, 15s, 30s)." },
        { o => o.ApiKeys = ["test-key-0000-1\u200B"], "GenerationResilienceOptions.ApiKeys[0] contains U+200B, a character that cannot be sent in an HTTP header, at position 16 of 16; copy the key again" },
        { o => o.ApiKeys = ["test-key-\u00A0-0001"], "GenerationResilienceOptions.ApiKeys[0] contains U+00A0" },
        { o => o.RetryDelays = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(-1)], "GenerationResilienceOptions.RetryDelays[1] is negative (-00:00:01); a delay must be zero or more." },
        { o => o.ApiKeys = ["test-key-1", " "], "GenerationResilienceOptions.ApiKeys[1] is empty; remove it or give the key." },
        { o => o.ApiKeys = ["test-key-0000-1", "test-key-0000-1"], "GenerationResilienceOptions.ApiKeys[1] (…00-1) repeats an earlier key; list each key once." },
        { o => o.ApiKeys = ["test-key-0000-1 "], "GenerationResilienceOptions.ApiKeys[0] (…00-1) has leading or trailing whitespace or a line break; copy the key again." },
        { o => { o.AttemptTimeout = TimeSpan.FromMinutes(1); o.TotalTimeout = TimeSpan.FromSeconds(30); }, "GenerationResilienceOptions.AttemptTimeout (1m) is longer than GenerationResilienceOptions.TotalTimeout (30s); an attempt can never use it all. Make TotalTimeout the larger." },
        { o => o.RetryStatusCodes = [503, 200], "GenerationResilienceOptions.RetryStatusCodes contains 200, which is not an HTTP error status (400-599)." },
        { o => o.KeyRejectedStatusCodes = [401, 429], "GenerationResilienceOptions.KeyRejectedStatusCodes contains 429, which is always handled as a rate limit (see MaxRateLimitRetries); remove it." },
        { o => o.ApiKeyScheme = "Bearer token", "GenerationResilienceOptions.ApiKeyScheme ('Bearer token') must be one word, such as Bearer or Key; leave it empty to send the bare key." },
        { o => o.ApiKeyHeaderName = "X Api Key", "GenerationResilienceOptions.ApiKeyHeaderName ('X Api Key') is not a valid header name." },
        { o => o.AttemptTimeout = TimeSpan.Zero, "AttemptTimeout" },
        { o => o.ConnectTimeout = TimeSpan.FromHours(1), "ConnectTimeout" },
        { o => o.RejectedKeyCooldown = TimeSpan.Zero, "RejectedKeyCooldown" },
        { o => o.MaxRetryAfter = TimeSpan.FromSeconds(-1), "MaxRetryAfter" },
        { o => o.RateLimitDelay = TimeSpan.FromSeconds(-1), "RateLimitDelay" },
        { o => o.MaxRateLimitRetries = -1, "MaxRateLimitRetries" },
        { o => o.ApiKeyHeaderName = "", "ApiKeyHeaderName" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void ValidateOnStart_InvalidOptions_FailWithAMessageNamingTheSetting(Action<GenerationResilienceOptions> configure, string expected)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("MyClient", c => c.BaseAddress = new Uri("https://api.example.com")).AddGenerationResilience(configure);
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(error.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("RejectedKeyCooldown", "00:00:00", "The field GenerationResilienceOptions.RejectedKeyCooldown must be between 00:00:01 and 7.00:00:00.")]
    [InlineData("TotalTimeout", "2.00:00:00", "The field GenerationResilienceOptions.TotalTimeout must be between 00:00:00.0100000 and 1.00:00:00.")]
    public void ValidateOnStart_TimeSpanOutOfRangeInConfiguration_FailsWithTheRangeAttributesMessage(string setting, string value, string expected)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"R:{setting}"] = value }).Build();
        var services = new ServiceCollection();
        services.AddHttpClient("MyClient", c => c.BaseAddress = new Uri("https://api.example.com")).AddGenerationResilience(configuration.GetSection("R"));
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains($"HttpClient 'MyClient': {setting}: {expected}", error.Failures);
    }

    [Fact]
    public void ValidateOnStart_TwoClients_MessageNamesTheClientWhoseOptionsAreWrong()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("Images").AddGenerationResilience();
        services.AddHttpClient("Videos").AddGenerationResilience(o => o.MaxRateLimitRetries = -1);
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        string failure = Assert.Single(error.Failures);
        Assert.StartsWith("HttpClient 'Videos': ", failure, StringComparison.Ordinal);
        Assert.Contains("MaxRateLimitRetries", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateOnStart_KeyWithInvisibleCharacter_NeverPrintsTheKey()
    {
        const string Key = "test-key-secret-9999\u200B";
        var services = new ServiceCollection();
        services.AddHttpClient("Images").AddGenerationResilience(o => o.ApiKeys = [Key]);
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("9999", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<Action<GenerationResilienceOptions>> TimeSpansAtTheEndsOfTheirRanges => new()
    {
        o =>
        {
            o.RejectedKeyCooldown = TimeSpan.FromSeconds(1);
            o.MaxRetryAfter = TimeSpan.Zero;
            o.RateLimitDelay = TimeSpan.Zero;
            o.ConnectTimeout = TimeSpan.FromMilliseconds(10);
            o.AttemptTimeout = TimeSpan.FromMilliseconds(10);
            o.TotalTimeout = TimeSpan.FromMilliseconds(10);
        },
        o =>
        {
            o.RejectedKeyCooldown = TimeSpan.FromDays(7);
            o.MaxRetryAfter = TimeSpan.FromDays(1);
            o.RateLimitDelay = TimeSpan.FromHours(1);
            o.ConnectTimeout = TimeSpan.FromMinutes(10);
            o.AttemptTimeout = TimeSpan.FromDays(1);
            o.TotalTimeout = TimeSpan.FromDays(1);
        },
    };

    [Theory]
    [MemberData(nameof(TimeSpansAtTheEndsOfTheirRanges))]
    public void ValidateOnStart_TimeSpansAtTheEndsOfTheirRanges_Pass(Action<GenerationResilienceOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("Images").AddGenerationResilience(configure);
        using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void ValidateOnStart_EmptyRetryDelays_IsValidAndMeansNoServerErrorRetries()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("Images").AddGenerationResilience(o => o.RetryDelays = []);
        using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void ValidateOnStart_DefaultOptions_Pass()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("MyClient").AddGenerationResilience();
        using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void AddGenerationResilience_ConfigurationSection_ListsReplaceDefaults()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Clients:Images:RetryDelays:0"] = "00:00:01",
            ["Clients:Images:RetryDelays:1"] = "00:00:02",
            ["Clients:Images:RetryStatusCodes:0"] = "503",
            ["Clients:Images:ApiKeys:0"] = "test-key-1",
            ["Clients:Images:ApiKeyScheme"] = "Key",
            ["Clients:Images:TotalTimeout"] = "00:05:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddHttpClient("Images").AddGenerationResilience(configuration.GetSection("Clients:Images"));
        using ServiceProvider provider = services.BuildServiceProvider();

        GenerationResilienceOptions options = provider.GetRequiredService<IOptionsMonitor<GenerationResilienceOptions>>().Get("Images");

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], options.RetryDelays);
        Assert.Equal([503], options.RetryStatusCodes);
        Assert.Equal(["test-key-1"], options.ApiKeys);
        Assert.Equal("Key", options.ApiKeyScheme);
        Assert.Equal(TimeSpan.FromMinutes(5), options.TotalTimeout);
        Assert.Equal([401], options.KeyRejectedStatusCodes);
    }

    [Fact]
    public async Task UseJitter_VariesDelaysWithinAQuarter()
    {
        using var h = PipelineHarness.Create(o =>
        {
            o.UseJitter = true;
            o.RetryDelays = [TimeSpan.FromSeconds(100)];
        });
        h.Simulator.On(HttpMethod.Post, "/x").Reply(GenResilience.Testing.SimulatedResponse.Status(503), GenResilience.Testing.SimulatedResponse.Ok());

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post("/x"));
        TimeSpan delay = await h.Time.WaitForTimerAsync(d => d > TimeSpan.FromSeconds(60) && d < TimeSpan.FromMinutes(5));

        Assert.InRange(delay, TimeSpan.FromSeconds(75), TimeSpan.FromSeconds(125));
        h.Time.Advance(TimeSpan.FromSeconds(125));
        using HttpResponseMessage response = await call.Bounded();
    }
}
