using System.Text.Json;

namespace GenResilience.Providers.Bytez.Internal;

/// <summary>
/// Reads Bytez's error texts: what the <c>error</c> field says, and which family of failure a text belongs to.
/// Bytez passes the errors of the services behind it through as text (<c>"429 You exceeded your current quota"</c>),
/// so the rules match words, case-insensitively.
/// </summary>
internal static class BytezErrorText
{
    private static readonly string[] RateLimitWords = ["rate limit", "ratelimit", "too many requests", "exceeded your current quota", "quota exceeded", "resource exhausted", "resource_exhausted"];
    private static readonly string[] LoadingWords = ["is loading", "model loading", "still loading", "being loaded", "cold start", "cold boot", "warming up", "starting up", "is booting", "not ready yet"];
    private static readonly string[] CreditWords = ["insufficient credit", "payment required", "out of credit", "not enough credit"];
    private static readonly string[] MissingWords = ["not found", "does not exist", "doesn't exist", "no such model", "unknown model", "not a valid model"];

    /// <summary>The text of an <c>error</c> field (a string, or an object's <c>message</c>), with a <c>message</c> beside it; <see langword="null"/> when there is no error.</summary>
    public static string? Of(JsonElement error, JsonElement message)
    {
        string? text = error.ValueKind switch
        {
            JsonValueKind.String => error.GetString(),
            JsonValueKind.Object => error.TryGetProperty("message", out JsonElement inner) && inner.ValueKind == JsonValueKind.String ? inner.GetString() : error.GetRawText(),
            JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False => null,
            _ => error.GetRawText(),
        };

        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        return message.ValueKind == JsonValueKind.String && message.GetString() is { Length: > 0 } extra && !string.Equals(extra, text, StringComparison.Ordinal)
            ? text + ": " + extra
            : text;
    }

    /// <summary>A rate limit of Bytez or of the service behind it: <c>429 ...</c>, "rate limit", "quota".</summary>
    public static bool IsRateLimit(string text)
        => text.StartsWith("429", StringComparison.Ordinal) || ContainsAny(text, RateLimitWords);

    /// <summary>Bytez refusing the key: its error starts with <c>Unauthorized</c>.</summary>
    public static bool IsUnauthorized(string text) => text.StartsWith("Unauthorized", StringComparison.OrdinalIgnoreCase);

    /// <summary>The account behind the key has no credits left.</summary>
    public static bool IsOutOfCredits(string text) => ContainsAny(text, CreditWords);

    /// <summary>A model that is still starting (a cold start): worth retrying after a while.</summary>
    public static bool IsLoading(string text) => ContainsAny(text, LoadingWords);

    /// <summary>A model id Bytez does not know.</summary>
    public static bool IsModelMissing(string text)
        => text.Contains("model", StringComparison.OrdinalIgnoreCase) && ContainsAny(text, MissingWords);

    private static bool ContainsAny(string text, string[] words)
    {
        foreach (string word in words)
        {
            if (text.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
