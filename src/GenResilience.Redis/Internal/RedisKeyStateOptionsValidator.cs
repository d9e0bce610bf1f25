using Microsoft.Extensions.Options;

namespace GenResilience.Redis.Internal;

/// <summary>The rules of <see cref="RedisKeyStateOptions"/>, checked when the app starts; messages name the setting.</summary>
internal sealed class RedisKeyStateOptionsValidator : IValidateOptions<RedisKeyStateOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisKeyStateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Any(char.IsWhiteSpace))
        {
            failures.Add("RedisKeyStateOptions.KeyPrefix must not be empty or contain whitespace.");
        }

        Check(failures, nameof(RedisKeyStateOptions.OperationTimeout), options.OperationTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(10), "10ms", "10s");
        Check(failures, nameof(RedisKeyStateOptions.RetryInterval), options.RetryInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10), "10ms", "10m");
        Check(failures, nameof(RedisKeyStateOptions.IdleExpiry), options.IdleExpiry, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30), "1s", "30d");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string setting, TimeSpan value, TimeSpan min, TimeSpan max, string minText, string maxText)
    {
        if (value < min || value > max)
        {
            failures.Add($"RedisKeyStateOptions.{setting} must be from {minText} to {maxText}.");
        }
    }
}
