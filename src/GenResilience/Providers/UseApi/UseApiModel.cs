using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace GenResilience;

/// <summary>
/// A UseAPI video model: its name on the wire, its display name in log lines, and its family. Parsed forgivingly:
/// <c>veo2</c>, <c>VEO2</c>, <c>Veo 2</c>, <c>veo-2</c>, <c>veo_2</c> and <c>ModelType.VEO2</c> all mean <see cref="Veo2"/>.
/// </summary>
[TypeConverter(typeof(UseApiModelTypeConverter))]
public sealed class UseApiModel : IEquatable<UseApiModel>
{
    private UseApiModel(string wireName, string displayName, UseApiModelFamily family, params string[] aliases)
    {
        WireName = wireName;
        DisplayName = displayName;
        Family = family;
        Aliases = aliases;
    }

    /// <summary>Gets LTX Video (<c>ltxv</c>).</summary>
    public static UseApiModel Ltxv { get; } = new("ltxv", "LTX Video", UseApiModelFamily.Ltx, "ltx", "ltxvideo", "ltx video");

    /// <summary>Gets LTX Video Turbo (<c>ltxv-turbo</c>), the LTX Studio default and the emergency fallback.</summary>
    public static UseApiModel LtxvTurbo { get; } = new("ltxv-turbo", "LTX Turbo", UseApiModelFamily.Ltx, "ltxturbo", "ltxvideoturbo");

    /// <summary>Gets Veo 2 through LTX Studio (<c>veo2</c>).</summary>
    public static UseApiModel Veo2 { get; } = new("veo2", "VEO2", UseApiModelFamily.Veo);

    /// <summary>Gets Veo 3 through LTX Studio (<c>veo3</c>).</summary>
    public static UseApiModel Veo3 { get; } = new("veo3", "VEO3", UseApiModelFamily.Veo);

    /// <summary>Gets Veo 3 Fast through LTX Studio (<c>veo3-fast</c>).</summary>
    public static UseApiModel Veo3Fast { get; } = new("veo3-fast", "VEO3 Fast", UseApiModelFamily.Veo);

    /// <summary>Gets Veo 3.1 Fast through Google Flow (<c>veo-3.1-fast</c>), Flow's default.</summary>
    public static UseApiModel Veo31Fast { get; } = new("veo-3.1-fast", "Veo 3.1 Fast", UseApiModelFamily.Flow, "veo31fast");

    /// <summary>Gets Veo 3.1 Quality through Google Flow (<c>veo-3.1-quality</c>).</summary>
    public static UseApiModel Veo31Quality { get; } = new("veo-3.1-quality", "Veo 3.1 Quality", UseApiModelFamily.Flow, "veo31quality", "veo31");

    /// <summary>Gets Veo 3.1 Lite through Google Flow (<c>veo-3.1-lite</c>).</summary>
    public static UseApiModel Veo31Lite { get; } = new("veo-3.1-lite", "Veo 3.1 Lite", UseApiModelFamily.Flow, "veo31lite");

    /// <summary>Gets every known model.</summary>
    public static IReadOnlyList<UseApiModel> All { get; } = [Ltxv, LtxvTurbo, Veo2, Veo3, Veo3Fast, Veo31Fast, Veo31Quality, Veo31Lite];

    /// <summary>Gets the name the API takes, for example <c>veo2</c>.</summary>
    public string WireName { get; }

    /// <summary>Gets the name in log lines, for example <c>VEO2</c> or <c>LTX Turbo</c>.</summary>
    public string DisplayName { get; }

    /// <summary>Gets the model's family, which decides the endpoint.</summary>
    public UseApiModelFamily Family { get; }

    private string[] Aliases { get; }

    /// <summary>Compares two models.</summary>
    public static bool operator ==(UseApiModel? left, UseApiModel? right) => Equals(left, right);

    /// <summary>Compares two models.</summary>
    public static bool operator !=(UseApiModel? left, UseApiModel? right) => !Equals(left, right);

    /// <summary>Parses a model name in any common spelling.</summary>
    /// <param name="name">For example <c>veo2</c>, <c>Veo 2</c>, <c>ModelType.VEO2</c>, <c>LTX Turbo</c>.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">The name is not a known model; the message lists the accepted names.</exception>
    public static UseApiModel Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryParse(name, out UseApiModel? model)
            ? model
            : throw new ArgumentException($"'{name}' is not a UseAPI model. Accepted: {AcceptedNames}.", nameof(name));
    }

    /// <summary>Parses a model name in any common spelling.</summary>
    /// <param name="name">The name.</param>
    /// <param name="model">The model, when the name is known.</param>
    /// <returns>Whether the name is known.</returns>
    public static bool TryParse([NotNullWhen(true)] string? name, [NotNullWhen(true)] out UseApiModel? model)
    {
        model = null;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        string key = Normalize(name);
        model = All.FirstOrDefault(m => Normalize(m.WireName) == key || Normalize(m.DisplayName) == key || m.Aliases.Any(a => Normalize(a) == key));
        return model is not null;
    }

    /// <summary>The accepted names, for messages.</summary>
    internal static string AcceptedNames => string.Join(", ", All.Select(m => m.WireName));

    /// <inheritdoc/>
    public bool Equals(UseApiModel? other) => other is not null && WireName == other.WireName;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is UseApiModel other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(WireName);

    /// <summary>Returns <see cref="WireName"/>.</summary>
    /// <returns>The wire name.</returns>
    public override string ToString() => WireName;

    /// <summary>
    /// Lower case, letters and digits only, without a <c>ModelType.</c> prefix: <c>Veo 2</c>, <c>veo-2</c>,
    /// <c>VEO_2</c> and <c>ModelType.VEO2</c> all become <c>veo2</c>.
    /// </summary>
    private static string Normalize(string name)
    {
        string trimmed = name.Trim();
        int dot = trimmed.LastIndexOf('.');
        if (dot > 0 && trimmed[..dot].EndsWith("ModelType", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed[(dot + 1)..];
        }

        return string.Concat(trimmed.Where(char.IsLetterOrDigit).Select(c => char.ToLower(c, CultureInfo.InvariantCulture)));
    }

    /// <summary>Lets configuration bind a model from any accepted spelling.</summary>
    private sealed class UseApiModelTypeConverter : TypeConverter
    {
        public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType)
            => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

        public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
            => value is string name ? Parse(name) : base.ConvertFrom(context, culture, value);

        public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType)
            => destinationType == typeof(string) && value is UseApiModel model ? model.WireName : base.ConvertTo(context, culture, value, destinationType);
    }
}
