using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenResilience.Providers.Bytez.Internal;

/// <summary>
/// Turns the values of a request's <c>Params</c> and <c>Inputs</c> into JSON without reflection: strings, numbers,
/// booleans, lists, dictionaries, <see cref="JsonElement"/> and <see cref="JsonNode"/>. Anything else is refused
/// before the run is sent, naming the entry.
/// </summary>
internal static class BytezJsonValues
{
    private const int MaxDepth = 64;

    public static JsonObject? ToObject(IEnumerable<KeyValuePair<string, object>>? values, string path)
    {
        if (values is null)
        {
            return null;
        }

        var result = new JsonObject();
        foreach (KeyValuePair<string, object> entry in values)
        {
            if (string.IsNullOrEmpty(entry.Key))
            {
                throw new ArgumentException($"{path} has an entry with an empty name.", path);
            }

            result[entry.Key] = ToNode(entry.Value, string.Create(CultureInfo.InvariantCulture, $"{path}[\"{entry.Key}\"]"), 0);
        }

        return result.Count == 0 ? null : result;
    }

    private static JsonNode? ToNode(object? value, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"{path} nests more than {MaxDepth} levels deep (a dictionary or list that contains itself?).", path);
        }

        return value switch
        {
            null => null,
            JsonNode node => node.DeepClone(),
            JsonElement { ValueKind: JsonValueKind.Undefined } => null,
            JsonElement element => JsonNode.Parse(element.GetRawText()),
            string text => JsonValue.Create(text),
            bool flag => JsonValue.Create(flag),
            int number => JsonValue.Create(number),
            long number => JsonValue.Create(number),
            short number => JsonValue.Create(number),
            byte number => JsonValue.Create(number),
            sbyte number => JsonValue.Create(number),
            ushort number => JsonValue.Create(number),
            uint number => JsonValue.Create(number),
            ulong number => JsonValue.Create(number),
            float number => JsonValue.Create(number),
            double number => JsonValue.Create(number),
            decimal number => JsonValue.Create(number),
            char character => JsonValue.Create(character.ToString()),
            Guid guid => JsonValue.Create(guid),
            DateTime time => JsonValue.Create(time),
            DateTimeOffset time => JsonValue.Create(time),
            TimeSpan span => JsonValue.Create(span.ToString("c", CultureInfo.InvariantCulture)),
            Uri uri => JsonValue.Create(uri.ToString()),
            Enum choice => JsonValue.Create(choice.ToString()),
            IEnumerable<KeyValuePair<string, object>> pairs => Object(pairs.Select(p => (p.Key, (object?)p.Value)), path, depth),
            IDictionary dictionary => Object(Entries(dictionary, path), path, depth),
            IEnumerable items => Array(items, path, depth),
            _ => throw new ArgumentException(
                $"{path} is a {value.GetType().Name}, which cannot be sent as JSON; use strings, numbers, booleans, lists, dictionaries, JsonElement or JsonNode.",
                path),
        };
    }

    private static JsonObject Object(IEnumerable<(string Key, object? Value)> entries, string path, int depth)
    {
        var result = new JsonObject();
        foreach ((string key, object? value) in entries)
        {
            result[key] = ToNode(value, string.Create(CultureInfo.InvariantCulture, $"{path}[\"{key}\"]"), depth + 1);
        }

        return result;
    }

    private static IEnumerable<(string Key, object? Value)> Entries(IDictionary dictionary, string path)
    {
        foreach (DictionaryEntry entry in dictionary)
        {
            yield return (entry.Key as string ?? throw new ArgumentException($"{path} is a dictionary whose keys are not strings.", path), entry.Value);
        }
    }

    private static JsonArray Array(IEnumerable items, string path, int depth)
    {
        var result = new JsonArray();
        int index = 0;
        foreach (object? item in items)
        {
            result.Add(ToNode(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]"), depth + 1));
            index++;
        }

        return result;
    }
}
