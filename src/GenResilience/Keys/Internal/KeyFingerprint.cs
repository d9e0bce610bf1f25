using System.Security.Cryptography;
using System.Text;

namespace GenResilience.Keys.Internal;

/// <summary>
/// The only forms in which a key may leave the process: a short fingerprint for people and a hash for state stores.
/// </summary>
internal static class KeyFingerprint
{
    private const int VisibleChars = 4;
    private const int MinLengthToShowChars = 12;

    /// <summary>Returns <c>…a1b2</c>: the last four characters, or only <c>…</c> for keys too short to show any part of.</summary>
    public static string For(string key)
        => key.Length >= MinLengthToShowChars ? "…" + key[^VisibleChars..] : "…";

    /// <summary>A stable, non-reversible id of the key, safe to use as a key in a shared store.</summary>
    public static string IdFor(string key)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return Convert.ToHexString(hash, 0, 12);
    }
}
