namespace GenResilience;

/// <summary>
/// One LTX Studio account behind a UseAPI token: its e-mail, the models it serves and the token balance below which it
/// is left alone.
/// </summary>
public sealed class UseApiAccountOptions
{
    /// <summary>Gets or sets the account's e-mail, as configured at UseAPI.</summary>
    /// <value>Required.</value>
    public string Email { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the models this account serves, in any accepted spelling (<c>veo2</c>, <c>VEO-2</c>, <c>LTX Turbo</c>, ...).
    /// </summary>
    /// <value>The default is empty: the account serves every model.</value>
    public IList<string> Models { get; set; } = new List<string>();

    /// <summary>Gets or sets the token balance (<c>balance.LTXStudio_token</c>) below which the account takes no new job.</summary>
    /// <value>The default is 0: any balance.</value>
    public int MinimumBalance { get; set; }
}
