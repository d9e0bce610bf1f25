using GenResilience.Redis;
using GenResilience.Redis.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GenResilience.Tests.Redis;

public sealed class RedisKeyStateRegistrationTests
{
    private static readonly string Nowhere = $"127.0.0.1:{RedisServer.FreePort()},connectTimeout=100";

    [Fact]
    public void Ctor_Defaults()
    {
        var options = new RedisKeyStateOptions();

        Assert.Equal("genresilience", options.KeyPrefix);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.OperationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RetryInterval);
        Assert.Equal(TimeSpan.FromHours(1), options.IdleExpiry);
    }

    [Fact]
    public void UseRedisKeyState_OnServices_OneStoreForEveryClient()
    {
        var services = new ServiceCollection();
        services.AddGenerationClients(_ => { }).UseRedisKeyState(Nowhere, o => o.KeyPrefix = "fleet");
        using ServiceProvider provider = services.BuildServiceProvider();

        var store = Assert.IsType<RedisKeyStateStore>(provider.GetRequiredService<IGenerationKeyStateStore>());
        Assert.Equal("fleet:Bytez:ABC", store.RedisKey("Bytez", "ABC"));
    }

    [Fact]
    public void UseRedisKeyState_OnClient_KeyedByTheClientName()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("Images").AddGenerationResilience().UseRedisKeyState(Nowhere);
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Null(provider.GetService<IGenerationKeyStateStore>());
        var store = Assert.IsType<RedisKeyStateStore>(provider.GetRequiredKeyedService<IGenerationKeyStateStore>("Images"));
        Assert.Equal("genresilience:Images:ABC", store.RedisKey("Images", "ABC"));
    }

    [Fact]
    public void Validate_InvalidOptions_MessagesNameTheSetting()
    {
        var options = new RedisKeyStateOptions
        {
            KeyPrefix = "a b",
            OperationTimeout = TimeSpan.Zero,
            RetryInterval = TimeSpan.FromHours(1),
            IdleExpiry = TimeSpan.FromMilliseconds(10),
        };

        ValidateOptionsResult result = new RedisKeyStateOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                "RedisKeyStateOptions.KeyPrefix must not be empty or contain whitespace.",
                "RedisKeyStateOptions.OperationTimeout must be from 10ms to 10s.",
                "RedisKeyStateOptions.RetryInterval must be from 10ms to 10m.",
                "RedisKeyStateOptions.IdleExpiry must be from 1s to 30d.",
            ],
            result.Failures);
    }
}
