using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GenResilience.Errors.Internal;

/// <summary>
/// Reads the error text out of the bodies these services send: UseAPI's <c>{"error","code"}</c>, Bytez's
/// <c>{"error","output"}</c> and <c>{"error","message"}</c>, FastAPI's <c>{"detail": "..." | [{"loc","msg"}]}</c>,
/// ASP.NET problem details, Cloudflare's HTML pages and plain text. Never throws.
/// </summary>
internal static partial class ErrorBodyParser
{
    private const int MaxMessageLength = 500;

    public static ParsedError Parse(string? body, string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return ParsedError.Empty;
        }

        try
        {
            return ParseText(body.Trim(), mediaType);
        }
        catch (RegexMatchTimeoutException)
        {
            // Every path cleans its text with a regex; a pathological body must not break the error it explains.
            return new ParsedError("(unreadable error body)", null, []);
        }
    }

    private static ParsedError ParseText(string trimmed, string? mediaType)
    {
        if (trimmed[0] is '{' or '[')
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(trimmed);
                return FromJson(document.RootElement);
            }
            catch (JsonException)
            {
                // Not JSON after all: fall through to text.
            }
        }

        if (mediaType?.Contains("html", StringComparison.OrdinalIgnoreCase) == true || trimmed.StartsWith('<'))
        {
            Match title = TitlePattern().Match(trimmed);
            string text = title.Success ? title.Groups[1].Value : TagPattern().Replace(trimmed, " ");
            return new ParsedError(Clean(WebUtility.HtmlDecode(text)), null, []);
        }

        return new ParsedError(Clean(trimmed), null, []);
    }

    private static ParsedError FromJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new ParsedError(Clean(root.GetRawText()), null, []);
        }

        string? error = null;
        string? code = null;
        if (root.TryGetProperty("error", out JsonElement errorElement))
        {
            if (errorElement.ValueKind == JsonValueKind.Object)
            {
                error = StringOf(errorElement, "message");
                code = StringOf(errorElement, "code") ?? StringOf(errorElement, "type");
            }
            else
            {
                error = AsText(errorElement);
            }
        }

        string? message = StringOf(root, "message");
        code ??= StringOf(root, "code") ?? StringOf(root, "error_code");

        List<GenerationValidationError> validation = [];
        string? detail = null;
        if (root.TryGetProperty("detail", out JsonElement detailElement))
        {
            if (detailElement.ValueKind == JsonValueKind.Array)
            {
                ReadFastApiDetails(detailElement, validation);
            }
            else
            {
                detail = AsText(detailElement);
            }
        }

        if (root.TryGetProperty("errors", out JsonElement errors) && errors.ValueKind == JsonValueKind.Object)
        {
            ReadProblemDetailsErrors(errors, validation);
        }

        string? text = (error, message) switch
        {
            ({ } e, { } m) when !string.Equals(e, m, StringComparison.Ordinal) => e + ": " + m,
            ({ } e, _) => e,
            (null, { } m) => m,
            _ => detail ?? StringOf(root, "title"),
        };

        if (text is null && validation.Count > 0)
        {
            text = string.Join("; ", validation.Select(v => v.Field.Length == 0 ? v.Message : v.Field + ": " + v.Message));
        }

        return new ParsedError(text is null ? null : Clean(text), code, validation);
    }

    private static void ReadFastApiDetails(JsonElement details, List<GenerationValidationError> into)
    {
        foreach (JsonElement item in details.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            string field = string.Empty;
            if (item.TryGetProperty("loc", out JsonElement loc) && loc.ValueKind == JsonValueKind.Array)
            {
                // FastAPI prefixes the location with where the field was read from ("body", "query", ...).
                IEnumerable<string> parts = loc.EnumerateArray().Select(AsText).OfType<string>();
                field = string.Join('.', parts.SkipWhile(p => p is "body" or "query" or "path" or "header" or "form"));
            }

            string message = StringOf(item, "msg") ?? StringOf(item, "message") ?? "Invalid value";
            into.Add(new GenerationValidationError(field, message));
        }
    }

    private static void ReadProblemDetailsErrors(JsonElement errors, List<GenerationValidationError> into)
    {
        foreach (JsonProperty field in errors.EnumerateObject())
        {
            if (field.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement message in field.Value.EnumerateArray())
                {
                    into.Add(new GenerationValidationError(field.Name, AsText(message) ?? "Invalid value"));
                }
            }
            else if (AsText(field.Value) is { } message)
            {
                into.Add(new GenerationValidationError(field.Name, message));
            }
        }
    }

    private static string? StringOf(JsonElement element, string property)
        => element.TryGetProperty(property, out JsonElement value) ? AsText(value) : null;

    private static string? AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };

    private static string Clean(string text)
    {
        string collapsed = WhitespacePattern().Replace(text, " ").Trim();
        return collapsed.Length <= MaxMessageLength
            ? collapsed
            : string.Create(CultureInfo.InvariantCulture, $"{collapsed.AsSpan(0, MaxMessageLength)}…");
    }

    [GeneratedRegex(@"<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TitlePattern();

    [GeneratedRegex(@"<[^>]+>", RegexOptions.Singleline, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\s+", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex WhitespacePattern();
}
