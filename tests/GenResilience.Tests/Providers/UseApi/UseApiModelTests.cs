namespace GenResilience.Tests.Providers.UseApi;

public class UseApiModelTests
{
    [Theory]
    [InlineData("veo2", "veo2")]
    [InlineData("VEO2", "veo2")]
    [InlineData("Veo 2", "veo2")]
    [InlineData("veo-2", "veo2")]
    [InlineData("veo_2", "veo2")]
    [InlineData("ModelType.VEO2", "veo2")]
    [InlineData("ltx", "ltxv")]
    [InlineData("ltxv", "ltxv")]
    [InlineData("LTX Video", "ltxv")]
    [InlineData("ltx-turbo", "ltxv-turbo")]
    [InlineData("ltxv-turbo", "ltxv-turbo")]
    [InlineData("LTX Turbo", "ltxv-turbo")]
    [InlineData("ModelType.LTXV_TURBO", "ltxv-turbo")]
    [InlineData("veo3", "veo3")]
    [InlineData("Veo 3", "veo3")]
    [InlineData("veo3-fast", "veo3-fast")]
    [InlineData("VEO 3 Fast", "veo3-fast")]
    [InlineData("veo-3.1-fast", "veo-3.1-fast")]
    [InlineData("Veo 3.1 Fast", "veo-3.1-fast")]
    [InlineData("veo-3.1-quality", "veo-3.1-quality")]
    [InlineData("veo_3.1_lite", "veo-3.1-lite")]
    [InlineData("  veo2  ", "veo2")]
    public void Parse_AnyCommonSpelling_GivesTheModel(string spelling, string wireName)
    {
        UseApiModel model = UseApiModel.Parse(spelling);

        Assert.Equal(wireName, model.WireName);
        Assert.True(UseApiModel.TryParse(spelling, out UseApiModel? parsed));
        Assert.Same(model, parsed);
    }

    [Theory]
    [InlineData("gpt-4o-mini")]
    [InlineData("veo")]
    [InlineData("")]
    public void Parse_UnknownName_FailsWithTheAcceptedNames(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => UseApiModel.Parse(name));

        Assert.Contains("ltxv, ltxv-turbo, veo2, veo3, veo3-fast, veo-3.1-fast, veo-3.1-quality, veo-3.1-lite", error.Message, StringComparison.Ordinal);
        Assert.False(UseApiModel.TryParse(name, out _));
    }

    [Fact]
    public void Models_KnowTheirWireNameDisplayNameAndFamily()
    {
        Assert.Equal(("ltxv-turbo", "LTX Turbo", UseApiModelFamily.Ltx), (UseApiModel.LtxvTurbo.WireName, UseApiModel.LtxvTurbo.DisplayName, UseApiModel.LtxvTurbo.Family));
        Assert.Equal(("veo2", "VEO2", UseApiModelFamily.Veo), (UseApiModel.Veo2.WireName, UseApiModel.Veo2.DisplayName, UseApiModel.Veo2.Family));
        Assert.Equal(UseApiModelFamily.Flow, UseApiModel.Veo31Fast.Family);
        Assert.Equal(8, UseApiModel.All.Count);
    }
}
