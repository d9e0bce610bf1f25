using System.Globalization;
using System.Text;
using GenResilience.Keys.Internal;

namespace GenResilience.Errors.Internal;

/// <summary>
/// Puts fingerprints in place of the client's keys in text a server sent back, since a server may echo the key it
/// refused. The key is found however the server wrote it: as is, escaped for JSON (<c>\u002B</c>, <c>\/</c>), for a
/// URL (<c>%2B</c>) or for HTML (<c>&amp;#43;</c>, <c>&amp;#x2F;</c>, <c>&amp;amp;</c>), character by character, in any mix.
/// </summary>
internal static class KeyRedactor
{
    private const int NoMatch = 0;
    private const int CutShort = -1;

    // No escape read below is longer ("&#x0002B;" is 9): an introducer ('\\', '%', '&') nearer than this to the end
    // of a cut text may have begun one.
    private const int LongestEscape = 10;

    /// <summary>Replaces each key found in <paramref name="text"/> with its fingerprint.</summary>
    /// <param name="text">The text.</param>
    /// <param name="keys">The keys to look for.</param>
    /// <param name="truncated">
    /// Whether <paramref name="text"/> is the start of something longer. A key that runs past its end cannot be told from
    /// text that merely begins like one, so the text is cut where such a key would begin.
    /// </param>
    public static string Redact(string text, IEnumerable<string> keys, bool truncated = false)
    {
        // Longest first: where one key begins with another, the longer is replaced whole.
        string[] candidates = [.. keys.Where(k => !string.IsNullOrEmpty(k)).Distinct(StringComparer.Ordinal).OrderByDescending(k => k.Length)];
        if (candidates.Length == 0 || text.Length == 0)
        {
            return text;
        }

        StringBuilder? redacted = null;
        int copied = 0;
        int at = 0;
        while (at < text.Length)
        {
            (string? key, int length, bool cutShort) = FindAt(text, at, candidates, truncated);
            if (cutShort)
            {
                return (redacted ?? new StringBuilder(at)).Append(text, copied, at - copied).ToString();
            }

            if (key is null)
            {
                at++;
                continue;
            }

            redacted ??= new StringBuilder(text.Length);
            redacted.Append(text, copied, at - copied).Append(KeyFingerprint.For(key));
            at += length;
            copied = at;
        }

        return redacted is null ? text : redacted.Append(text, copied, text.Length - copied).ToString();
    }

    private static (string? Key, int Length, bool CutShort) FindAt(string text, int at, string[] keys, bool truncated)
    {
        bool cutShort = false;
        foreach (string key in keys)
        {
            int length = MatchAt(text, at, key);
            if (length > 0)
            {
                return (key, length, false);
            }

            cutShort |= length == CutShort && truncated;
        }

        return (null, 0, cutShort);
    }

    /// <returns>How many characters of <paramref name="text"/> spell <paramref name="key"/> from <paramref name="at"/>;
    /// <see cref="NoMatch"/>; or <see cref="CutShort"/> when the text ends while it still spells the key.</returns>
    private static int MatchAt(string text, int at, string key)
    {
        int i = at;
        foreach (char expected in key)
        {
            if (i == text.Length)
            {
                return CutShort;
            }

            bool isEscape = TryUnescape(text, i, out char unescaped, out int width);
            if (isEscape && unescaped == expected)
            {
                i += width;
            }
            else if (text[i] == expected)
            {
                i++;
            }
            else
            {
                // An escape the end of the text cut short might still have spelled the expected character.
                bool cutEscape = !isEscape && text.Length - i < LongestEscape && text[i] is '\\' or '%' or '&';
                return cutEscape ? CutShort : NoMatch;
            }
        }

        return i - at;
    }

    private static bool TryUnescape(string text, int at, out char value, out int width)
    {
        ReadOnlySpan<char> rest = text.AsSpan(at);
        value = default;
        width = 0;
        switch (rest)
        {
            case ['\\', 'u', _, _, _, _, ..] when TryHex(rest.Slice(2, 4), out value):
                width = 6;
                return true;
            case ['\\', '"' or '\\' or '/', ..]:
                value = rest[1];
                width = 2;
                return true;
            case ['%', _, _, ..] when TryHex(rest.Slice(1, 2), out value) && value < 0x80:
                // One byte of UTF-8: keys are ASCII.
                width = 3;
                return true;
            case ['&', ..]:
                return TryHtmlEntity(rest, out value, out width);
            default:
                return false;
        }
    }

    private static bool TryHtmlEntity(ReadOnlySpan<char> rest, out char value, out int width)
    {
        value = default;
        width = rest[..Math.Min(rest.Length, LongestEscape)].IndexOf(';') + 1;
        if (width < 3)
        {
            return false;
        }

        ReadOnlySpan<char> name = rest[1..(width - 1)];
        if (name is ['#', 'x' or 'X', ..])
        {
            return TryHex(name[2..], out value);
        }

        if (name is ['#', ..])
        {
            bool ok = ushort.TryParse(name[1..], NumberStyles.None, CultureInfo.InvariantCulture, out ushort code);
            value = (char)code;
            return ok;
        }

        value = name switch
        {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => '\0',
        };
        return value != '\0';
    }

    private static bool TryHex(ReadOnlySpan<char> digits, out char value)
    {
        bool ok = ushort.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort code);
        value = (char)code;
        return ok;
    }
}
