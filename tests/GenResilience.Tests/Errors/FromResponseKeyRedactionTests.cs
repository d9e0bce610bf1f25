using GenResilience.Errors.Internal;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;

namespace GenResilience.Tests.Errors;

public class FromResponseKeyRedactionTests
{
    private const string Path = "/models/v2/stabilityai/sdxl";

    // Shaped like the base64 keys many providers issue: '+' and '/' are written differently by JSON, URL and HTML encoders.
    private const string Key = "Zq8Vt3Lw9Hk2+Rp7Yc5/Nm4Bx6";
    private const string Fingerprint = "…4Bx6";

    // 490 characters of filler: a key right after it straddles the 500-character cut of the server's text.
    private static readonly string Padding = string.Concat(Enumerable.Repeat("lorem ", 100))[..490];

    public static TheoryData<string, string, string> EchoedKeys()
    {
        var data = new TheoryData<string, string, string>();
        foreach ((string encoding, string key) in (ValueTuple<string, string>[])[
            ("plain", Key),
            ("JSON-escaped", Key.Replace("+", "\\u002B", StringComparison.Ordinal).Replace("/", "\\/", StringComparison.Ordinal)),
            ("URL-encoded", Uri.EscapeDataString(Key)),
            ("URL-encoded, lower-case hex", Uri.EscapeDataString(Key).Replace("%2B", "%2b", StringComparison.Ordinal)),
            ("HTML entities", Key.Replace("+", "&#43;", StringComparison.Ordinal).Replace("/", "&#x2F;", StringComparison.Ordinal)),
        ])
        {
            data.Add(encoding, "application/json", $"{{\"error\":\"{Padding}{key} was refused\"}}");
            data.Add(encoding, "text/plain", $"{Padding}{key} was refused");
            data.Add(encoding, "application/json", $"{{\"detail\":[{{\"loc\":[\"header\",\"authorization\"],\"msg\":\"{Padding[22..]}Bearer {key} is malformed\"}}]}}");
            data.Add(encoding, "text/html", $"<html><head><title>{Padding}{key} was refused</title></head><body></body></html>");
            data.Add(encoding, "application/json", $"{{\"error\":\"Forbidden\",\"code\":\"{key}\"}}");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EchoedKeys))]
    public async Task FromResponseAsync_KeyEchoedAnywhereInTheBody_ShowsNoPartOfIt(string encoding, string contentType, string body)
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [Key]);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Status(400, body, contentType));

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();
        GenerationException error = await GenerationException.FromResponseAsync(response).Bounded();

        Assert.True(error.Message.Length > 20, encoding);
        AssertShowsNoPartOfTheKey(error);
    }

    [Fact]
    public async Task FromResponseAsync_KeyCutByTheReadLimit_ShowsNoPartOfIt()
    {
        // Whitespace collapses, so the last characters read would lead the message.
        string body = new string(' ', ErrorBodyReader.MaxBytes - 10) + Key + " was refused";
        using var h = PipelineHarness.Create(o => o.ApiKeys = [Key]);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Status(400, body));

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();
        GenerationException error = await GenerationException.FromResponseAsync(response).Bounded();

        AssertShowsNoPartOfTheKey(error);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FromResponseAsync_KeyEchoedInFull_IsShownAsItsFingerprint()
    {
        using var h = PipelineHarness.Create(o => o.ApiKeys = [Key]);
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Json(400, $"{{\"error\":\"Key {Uri.EscapeDataString(Key)} may not use this model\"}}"));

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path)).Bounded();
        GenerationException error = await GenerationException.FromResponseAsync(response).Bounded();

        Assert.Contains("Key " + Fingerprint + " may not use this model.", error.Message, StringComparison.Ordinal);
    }

    private static void AssertShowsNoPartOfTheKey(GenerationException error)
    {
        string[] texts =
        [
            error.Message,
            error.ToString(),
            error.UserMessage,
            error.ErrorCode ?? string.Empty,
            .. error.ValidationErrors.SelectMany(v => (string[])[v.Field, v.Message]),
        ];

        foreach (string text in texts)
        {
            // The fingerprint shows the key's last four characters by design; nothing else of the key may show.
            string rest = text.Replace(Fingerprint, string.Empty, StringComparison.Ordinal);
            for (int i = 0; i + 4 <= Key.Length; i++)
            {
                Assert.DoesNotContain(Key.Substring(i, 4), rest, StringComparison.Ordinal);
            }
        }
    }
}
