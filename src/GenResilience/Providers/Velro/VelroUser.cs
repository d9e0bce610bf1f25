namespace GenResilience;

/// <summary>
/// The account behind the token (<c>GET /api/v1/auth/me</c>).
/// </summary>
public sealed class VelroUser
{
    /// <summary>Gets the account id.</summary>
    public string? Id { get; init; }

    /// <summary>Gets the e-mail address.</summary>
    public string? Email { get; init; }

    /// <summary>Gets the full name.</summary>
    public string? FullName { get; init; }

    /// <summary>Gets the credits left, or <see langword="null"/> when the service did not say.</summary>
    public decimal? CreditsBalance { get; init; }

    /// <summary>Gets the role, for example <c>viewer</c>.</summary>
    public string? Role { get; init; }

    /// <summary>Gets when the account was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Email ?? Id ?? "(unknown account)"}: {CreditsBalance?.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} credits";
}
