using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace GenResilience.Providers.Internal;

/// <summary>
/// Fills in keys from the variable names people already use, when the options give none:
/// <c>BYTEZ_API_KEY_1</c>, <c>BYTEZ_API_KEY_2</c>, ... (and a lone <c>BYTEZ_API_KEY</c>) and <c>USEAPI_API_TOKEN</c>.
/// A variable is read from the app's <see cref="IConfiguration"/> first (which holds the environment in a hosted app), then from the process environment.
/// </summary>
internal static class EnvironmentApiKeys
{
    private const int MaxNumberedKeys = 100;

    public static void Apply(GenerationClientsOptions options, IConfiguration? configuration)
    {
        if (options.Bytez is not { ApiKeys.Count: > 0 })
        {
            List<string> keys = ReadNumbered("BYTEZ_API_KEY_", configuration);
            if (Read("BYTEZ_API_KEY", configuration) is { } single && !keys.Contains(single))
            {
                keys.Insert(0, single);
            }

            if (keys.Count > 0)
            {
                options.Bytez ??= new BytezClientOptions();
                options.Bytez.ApiKeys ??= [];
                foreach (string key in keys)
                {
                    options.Bytez.ApiKeys.Add(key);
                }
            }
        }

        if (options.UseApi is not { ApiKeys.Count: > 0 } && Read("USEAPI_API_TOKEN", configuration) is { } token)
        {
            options.UseApi ??= new UseApiClientOptions();
            options.UseApi.ApiKeys ??= [];
            options.UseApi.ApiKeys.Add(token);
        }
    }

    private static List<string> ReadNumbered(string prefix, IConfiguration? configuration)
    {
        var keys = new List<string>();
        for (int i = 1; i <= MaxNumberedKeys; i++)
        {
            if (Read(prefix + i.ToString(CultureInfo.InvariantCulture), configuration) is { } key)
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    private static string? Read(string name, IConfiguration? configuration)
    {
        string? value = configuration?[name];
        if (string.IsNullOrWhiteSpace(value))
        {
            value = Environment.GetEnvironmentVariable(name);
        }

        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
