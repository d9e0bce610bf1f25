using GenResilience.Errors.Internal;

namespace GenResilience.Tests.Errors;

public class KeyRedactorTests
{
    private const string Key = "sk-live/Abc+Def&Ghi-1234";

    [Theory]
    [InlineData("100% sure & done: \\u00e9 \\/ &amp; %41 ok")]
    [InlineData("sk-live/Abc+Def&Ghi-123 is one short")]
    [InlineData("")]
    public void Redact_TextWithoutTheKey_IsUnchanged(string text)
        => Assert.Equal(text, KeyRedactor.Redact(text, [Key]));

    [Theory]
    [InlineData("key sk-live/Abc+Def&Ghi-1234 refused")]
    [InlineData("key sk-live\\/Abc\\u002bDef\\u0026Ghi-1234 refused")]
    [InlineData("key sk-live%2FAbc%2bDef%26Ghi-1234 refused")]
    [InlineData("key sk-live&#47;Abc&#x2B;Def&amp;Ghi-1234 refused")]
    [InlineData("key sk%2Dlive\\/Abc&#43;Def%26Ghi\\u002D1234 refused")]
    public void Redact_KeyWrittenAnyWay_BecomesItsFingerprint(string text)
        => Assert.Equal("key …1234 refused", KeyRedactor.Redact(text, [Key]));

    [Fact]
    public void Redact_SeveralKeys_ReplacesEach()
        => Assert.Equal("…1234 and …5678, twice: …1234", KeyRedactor.Redact($"{Key} and other-key-5678, twice: {Key}", ["other-key-5678", Key, string.Empty]));

    [Theory]
    [InlineData("refused: sk-live/Ab", "refused: ")]
    [InlineData("refused: sk-live%2", "refused: ")]
    [InlineData("refused: sk-live\\u00", "refused: ")]
    [InlineData("refused: s", "refused: ")]
    [InlineData("refused: sk-live/Abx", "refused: sk-live/Abx")]
    public void Redact_TruncatedTextEndingLikeTheKey_IsCutWhereTheKeyWouldBegin(string text, string expected)
        => Assert.Equal(expected, KeyRedactor.Redact(text, [Key], truncated: true));

    [Fact]
    public void Redact_CompleteTextEndingLikeTheKey_IsKept()
        => Assert.Equal("refused: sk-live/Ab", KeyRedactor.Redact("refused: sk-live/Ab", [Key]));
}
