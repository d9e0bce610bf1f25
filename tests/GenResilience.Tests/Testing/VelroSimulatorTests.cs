using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;

namespace GenResilience.Tests.Testing;

/// <summary>
/// The simulator behaves like Velro's backend when called with a plain HttpClient.
/// </summary>
public class VelroSimulatorTests
{
    private const string Token = "test-velro-token-0001";

    [Fact]
    public async Task Create_JsonBody_Answers422FieldRequired()
    {
        using var velro = VelroSimulator.Start();
        using HttpClient http = Client(velro);

        using HttpResponseMessage response = await http.PostAsync(
            VelroSimulator.GenerationsPath,
            new StringContent("{\"model_id\":\"fal-ai/veo3\",\"prompt\":\"a cat\"}", Encoding.UTF8, "application/json")).Bounded();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement first = body.RootElement.GetProperty("detail")[0];
        Assert.Equal("[\"body\",\"model_id\"]", first.GetProperty("loc").GetRawText());
        Assert.Equal("Field required", first.GetProperty("msg").GetString());
        Assert.False(Assert.Single(velro.Creates).IsMultipart);
    }

    [Fact]
    public async Task Create_Multipart_GoesPendingProcessingCompletedOverPolls()
    {
        using var velro = VelroSimulator.Start();
        using HttpClient http = Client(velro);

        using HttpResponseMessage created = await http.PostAsync(VelroSimulator.GenerationsPath, Form("fal-ai/flux-pro/v1.1-ultra")).Bounded();
        string id = await StatusAsync(created, "pending");

        Assert.Equal("processing", await StatusAsync(await http.GetAsync(VelroSimulator.GenerationsPath + "/" + id), "processing"));
        Assert.Equal("completed", await StatusAsync(await http.GetAsync(VelroSimulator.GenerationsPath + "/" + id), "completed"));
        Assert.Equal(9_950, velro.CreditsBalance);
    }

    [Fact]
    public async Task Create_UnknownModel_Answers400NotFoundInRegistry()
    {
        using var velro = VelroSimulator.Start();
        using HttpClient http = Client(velro);

        using HttpResponseMessage response = await http.PostAsync(VelroSimulator.GenerationsPath, Form("gpt-4o-mini")).Bounded();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Model gpt-4o-mini not found in registry", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("X-Request-ID"));
    }

    [Fact]
    public async Task Create_BalanceTooLow_Answers402WithTheNumbers()
    {
        using var velro = VelroSimulator.Start();
        velro.CreditsBalance = 120;
        using HttpClient http = Client(velro);

        using HttpResponseMessage response = await http.PostAsync(VelroSimulator.GenerationsPath, Form("fal-ai/veo3")).Bounded();

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Contains("Insufficient credits. Required: 500, Available: 120", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Me_WithoutToken_Answers401AndWithTokenTheAccount()
    {
        using var velro = VelroSimulator.Start();
        using var anonymous = new HttpClient { BaseAddress = velro.BaseAddress };
        using HttpClient http = Client(velro);

        using HttpResponseMessage refused = await anonymous.GetAsync(VelroSimulator.CurrentUserPath).Bounded();
        using HttpResponseMessage me = await http.GetAsync(VelroSimulator.CurrentUserPath).Bounded();

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains("\"credits_balance\":10000", await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_RejectedToken_Answers401SessionExpiredWithARequestId()
    {
        using var velro = VelroSimulator.Start();
        velro.RejectToken(Token);
        using HttpClient http = Client(velro);

        using HttpResponseMessage response = await http.PostAsync(VelroSimulator.GenerationsPath, Form("fal-ai/veo3")).Bounded();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Authentication expired", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.StartsWith("req-", response.Headers.GetValues("X-Request-ID").Single(), StringComparison.Ordinal);
        Assert.Equal(10_000, velro.CreditsBalance);
    }

    [Fact]
    public async Task Models_WithoutToken_ListsTheSevenModels()
    {
        using var velro = VelroSimulator.Start();
        using var anonymous = new HttpClient { BaseAddress = velro.BaseAddress };

        using JsonDocument body = JsonDocument.Parse(await anonymous.GetStringAsync(VelroSimulator.ModelsPath).Bounded());

        Assert.Equal(
            [
                ("fal-ai/imagen4/preview/ultra", "image", 45),
                ("fal-ai/flux-pro/v1.1-ultra", "image", 50),
                ("fal-ai/flux-pro/kontext/max", "image", 60),
                ("fal-ai/wan-pro/text-to-video", "video", 300),
                ("fal-ai/kling-video/v2.1/master/text-to-video", "video", 350),
                ("fal-ai/minimax/hailuo-02/pro/text-to-video", "video", 400),
                ("fal-ai/veo3", "video", 500),
            ],
            body.RootElement.GetProperty("models").EnumerateArray().Select(m =>
                (m.GetProperty("model_id").GetString(), m.GetProperty("type").GetString(), m.GetProperty("credits").GetInt32())));
    }

    [Fact]
    public async Task FailNextCreates_Burst_Answers503ThenBehaves()
    {
        using var velro = VelroSimulator.Start();
        velro.FailNextCreates(2);
        using HttpClient http = Client(velro);

        int[] statuses = new int[3];
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage response = await http.PostAsync(VelroSimulator.GenerationsPath, Form("fal-ai/veo3")).Bounded();
            statuses[i] = (int)response.StatusCode;
        }

        Assert.Equal([503, 503, 200], statuses);
    }

    private static HttpClient Client(VelroSimulator velro)
    {
        var http = new HttpClient { BaseAddress = velro.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return http;
    }

    private static MultipartFormDataContent Form(string model) => new()
    {
        { new StringContent(model), "model_id" },
        { new StringContent("a cat"), "prompt" },
    };

    private static async Task<string> StatusAsync(HttpResponseMessage response, string expected)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(expected, body.RootElement.GetProperty("status").GetString());
        return expected == "pending" ? body.RootElement.GetProperty("id").GetString()! : expected;
    }
}
