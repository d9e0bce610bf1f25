namespace GenResilience.Testing;

/// <summary>
/// How a <see cref="BytezSimulator"/> treats an API key.
/// </summary>
public enum BytezKeyState
{
    /// <summary>The key works.</summary>
    Valid = 0,

    /// <summary>The key is revoked or wrong: every call is answered 403 <c>{"error":"Unauthorized","output":null}</c>.</summary>
    Unauthorized,

    /// <summary>The key's account has no credits left: every call is answered 402 <c>Payment Required</c>.</summary>
    OutOfCredits,
}
