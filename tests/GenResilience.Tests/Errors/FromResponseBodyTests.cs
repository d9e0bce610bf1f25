using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;

namespace GenResilience.Tests.Errors;

public class FromResponseBodyTests
{
    private const string ErrorJson = "{\"error\":\"Prompt too long\",\"code\":\"E42\"}";

    private static HttpResponseMessage Failed(HttpContent content, int status = 400)
        => new((HttpStatusCode)status)
        {
            Content = content,
            RequestMessage = new HttpRequestMessage(HttpMethod.Post, "https://api.bytez.com/models/v2/stabilityai/sdxl"),
        };

    private static HttpContent Body(bool streamed, string json)
    {
        HttpContent content = streamed ? new NetworkLikeContent(Encoding.UTF8.GetBytes(json)) : new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FromResponseAsync_ThenReadFromJsonAsync_ReadsTheWholeBody(bool streamed)
    {
        using HttpResponseMessage response = Failed(Body(streamed, ErrorJson));

        GenerationException error = await GenerationException.FromResponseAsync(response);
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("E42", error.ErrorCode);
        Assert.Equal("Prompt too long", body.GetProperty("error").GetString());
        Assert.Equal("E42", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task FromResponseAsync_ResponseHeadersRead_LeavesTheNetworkBodyReadable()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, "/models/v2/stabilityai/sdxl").Reply(SimulatedResponse.Json(400, ErrorJson));
        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post("/models/v2/stabilityai/sdxl"), HttpCompletionOption.ResponseHeadersRead).Bounded();

        GenerationException error = await GenerationException.FromResponseAsync(response).Bounded();
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>().Bounded();

        Assert.Contains("Prompt too long", error.Message, StringComparison.Ordinal);
        Assert.Equal("E42", body.GetProperty("code").GetString());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FromResponseAsync_CalledTwice_GivesTheSameAnswer(bool streamed)
    {
        using HttpResponseMessage response = Failed(Body(streamed, ErrorJson));

        GenerationException first = await GenerationException.FromResponseAsync(response);
        GenerationException second = await GenerationException.FromResponseAsync(response);

        Assert.Contains("Prompt too long", first.Message, StringComparison.Ordinal);
        Assert.Equal(first.Message, second.Message);
        Assert.Equal(first.ErrorCode, second.ErrorCode);
        Assert.Equal(ErrorJson, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FromResponseAsync_StreamedBody_KeepsEveryContentHeader()
    {
        byte[] json = Encoding.UTF8.GetBytes(ErrorJson);
        var content = new NetworkLikeContent(json);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/problem+json; charset=utf-8");
        content.Headers.ContentLength = json.Length;
        content.Headers.ContentLanguage.Add("en");
        content.Headers.LastModified = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
        content.Headers.TryAddWithoutValidation("X-Body-Signature", "sha256=abc");
        using HttpResponseMessage response = Failed(content);
        string[] before = Describe(response.Content.Headers);

        await GenerationException.FromResponseAsync(response);

        Assert.Equal(before, Describe(response.Content.Headers));
        Assert.Equal(json.Length, response.Content.Headers.ContentLength);
        Assert.Equal(ErrorJson, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FromResponseAsync_TenMegabyteStreamedBody_ReadsOnlyAPrefixAndKeepsTheRest()
    {
        const int TenMegabytes = 10 * 1024 * 1024;
        var content = new NetworkLikeContent("{\"error\":\"Payload too large\"}"u8.ToArray(), TenMegabytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = Failed(content, 413);

        GenerationException error = await GenerationException.FromResponseAsync(response);

        Assert.Contains("Payload too large", error.Message, StringComparison.Ordinal);
        Assert.InRange(content.BytesRead, 1, 64 * 1024);

        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Payload too large", body.GetProperty("error").GetString());
        Assert.Equal(TenMegabytes, content.BytesRead);
    }

    [Theory]
    [InlineData("text/plain; charset=ISO-8859-1")]
    [InlineData("text/plain; charset=\"iso-8859-1\"")]
    public async Task FromResponseAsync_Latin1Body_IsDecodedWithItsCharset(string contentType)
    {
        var content = new ByteArrayContent(Encoding.Latin1.GetBytes("Modèle inconnu : café"));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using HttpResponseMessage response = Failed(content);

        GenerationException error = await GenerationException.FromResponseAsync(response);

        Assert.Contains("Modèle inconnu : café.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("utf-8", null)]
    [InlineData("utf-16", "utf-8")]
    [InlineData("utf-16BE", null)]
    public async Task FromResponseAsync_ByteOrderMark_DecidesTheEncoding(string encodingName, string? declaredCharset)
    {
        Encoding encoding = Encoding.GetEncoding(encodingName);
        var content = new ByteArrayContent([.. encoding.GetPreamble(), .. encoding.GetBytes("Modèle inconnu : café")]);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = declaredCharset };
        using HttpResponseMessage response = Failed(content);

        GenerationException error = await GenerationException.FromResponseAsync(response);

        Assert.EndsWith(": Modèle inconnu : café.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromResponseAsync_UnknownCharset_FallsBackToUtf8()
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("Modèle inconnu : café"));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "x-no-such-charset" };
        using HttpResponseMessage response = Failed(content);

        GenerationException error = await GenerationException.FromResponseAsync(response);

        Assert.Contains("Modèle inconnu : café.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromResponseAsync_SmallBody_AllocatesNothingOnTheLargeObjectHeap()
    {
        const int LargeObjectThreshold = 85_000;
        using HttpResponseMessage warmUp = Failed(Body(streamed: false, ErrorJson));
        await GenerationException.FromResponseAsync(warmUp);
        using HttpResponseMessage response = Failed(Body(streamed: false, ErrorJson));

        // The body is in memory, so the call completes on this thread and every allocation it makes is counted here.
        long before = GC.GetAllocatedBytesForCurrentThread();
        Task<GenerationException> call = GenerationException.FromResponseAsync(response);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(call.IsCompletedSuccessfully);
        Assert.InRange(allocated, 0, LargeObjectThreshold - 1);
    }

    private static string[] Describe(HttpContentHeaders headers)
        => [.. headers.Select(h => h.Key + ": " + string.Join(", ", h.Value)).Order(StringComparer.Ordinal)];
}
