using GenResilience.Testing;
using static GenResilience.Tests.Providers.UseApi.UseApiHarness;

namespace GenResilience.Tests.Providers.UseApi;

public class UseApiAccountTests
{
    private const string A = "a@example.com";
    private const string B = "b@example.com";
    private const string StartImage = "asset:7f1c0e7e-1f6e-4a57-9c53-0d2f5b8c1a11-type:image/png";

    private static UseApiAccountOptions Account(string email, int minimumBalance = 0, params string[] models)
        => new() { Email = email, Models = [.. models], MinimumBalance = minimumBalance };

    [Theory]
    [InlineData("veo2")]
    [InlineData("VEO2")]
    [InlineData("Veo 2")]
    [InlineData("VEO-2")]
    [InlineData("veo_2")]
    [InlineData("ModelType.VEO2")]
    public async Task CreateVideoAsync_AccountConfiguredWithAnySpellingOfVeo2_ServesAVeo2Request(string spelling)
    {
        using var h = Create(
            o => o.Accounts = [Account(A, 0, "ltxv", "LTX Turbo"), Account(B, 0, spelling)],
            simulator: s => s.AddAccount(A).AddAccount(B));

        UseApiJob job = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox", Model = UseApiModel.Parse("veo2"), StartAssetId = StartImage }));

        Assert.Equal(B, job.Email);
        Assert.Equal(B, Assert.Single(h.Simulator.Jobs).Email);
        Assert.Equal("/v1/ltxstudio/videos/veo-create", h.Simulator.Jobs[0].Path);
        Assert.Equal("veo2", h.Simulator.Jobs[0].Model);
    }

    [Fact]
    public async Task CreateVideoAsync_AccountUnderItsMinimumBalance_IsSkipped()
    {
        using var h = Create(
            o => o.Accounts = [Account(A, 20), Account(B, 20)],
            simulator: s => s.AddAccount(A, balance: 5).AddAccount(B, balance: 100));

        UseApiJob job = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));

        Assert.Equal(B, job.Email);
        Assert.Equal(5, h.Simulator.GetBalance(A));
        Assert.Equal(90, h.Simulator.GetBalance(B));
    }

    [Fact]
    public async Task CreateVideoAsync_NoAccountForTheModel_NoAccountAvailableThatNamesTheAccountsAndSendsNoCreate()
    {
        using var h = Create(o => o.Accounts = [Account("a@x.com", 0, "ltxv", "ltx-turbo")], simulator: s => s.AddAccount("a@x.com"));

        GenerationException error = await h.FailsAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox", Model = UseApiModel.Veo2, StartAssetId = StartImage }));

        Assert.Equal(GenerationErrorKind.NoAccountAvailable, error.Kind);
        Assert.StartsWith("No UseAPI account is configured for model veo2 (accounts: a@x.com serves ltxv, ltxv-turbo)", error.Message, StringComparison.Ordinal);
        Assert.Contains("GenerationClients:UseApi:Accounts", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Creates);
    }

    [Fact]
    public async Task CreateVideoAsync_AllAccountsBelowTheirMinimum_SaysSoWithTheBalancesAndIsBackWhenABalanceReturns()
    {
        using var h = Create(
            o => o.Accounts = [Account(A, 20, "veo2"), Account(B, 20, "veo2")],
            simulator: s => s.AddAccount(A, balance: 3).AddAccount(B, balance: 19));
        var request = new UseApiVideoRequest { Prompt = "a fox", Model = UseApiModel.Veo2, StartAssetId = StartImage };

        GenerationException error = await h.FailsAsync(h.Client.CreateVideoAsync(request));

        Assert.Equal(GenerationErrorKind.NoAccountAvailable, error.Kind);
        Assert.StartsWith("All 2 UseAPI accounts for veo2 are below the minimum balance of 20 (a@example.com: 3 of 20, b@example.com: 19 of 20)", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Creates);

        // The account is topped up: once the cached balance is old, it is read again and used, with no restart.
        h.Simulator.SetBalance(A, 500);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        UseApiJob job = await h.RunAsync(h.Client.CreateVideoAsync(request));

        Assert.Equal(A, job.Email);
    }

    [Fact]
    public async Task CreateVideoAsync_QueryFullOnTheFirstAccount_MovesToTheNextAtOnce()
    {
        using var h = Create(
            o => o.Accounts = [Account(A), Account(B)],
            simulator: s => s.AddAccount(A, maxJobs: 5).AddAccount(B, maxJobs: 5));
        h.Simulator.RefuseNextCreates(A);

        UseApiJob job = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));

        Assert.Equal(B, job.Email);
        Assert.Equal(2, h.Creates.Count);
        Assert.Equal(h.Creates[0].ReceivedAt, h.Creates[1].ReceivedAt);
        Assert.Equal(["UseApi LTX Turbo: account a@example.com has no free job slot (query is full); trying the next account"], h.Messages("UseApiAccountFull"));
        Assert.Empty(h.Messages("RetryingAfterFailure"));
    }

    [Fact]
    public async Task CreateVideoAsync_EveryAccountFull_NoAccountAvailableWithoutWaiting()
    {
        using var h = Create(
            o => o.Accounts = [Account(A), Account(B)],
            simulator: s => s.AddAccount(A, maxJobs: 1).AddAccount(B, maxJobs: 1));
        h.Simulator.RefuseNextCreates(A);
        h.Simulator.RefuseNextCreates(B);

        GenerationException error = await h.FailsAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "a fox" }));

        Assert.Equal(GenerationErrorKind.NoAccountAvailable, error.Kind);
        Assert.Equal(429, error.StatusCode);
        Assert.Contains("every account that serves ltxv-turbo is full", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, h.Creates.Count);
    }

    [Fact]
    public async Task CreateVideoAsync_MoreFreeSlotsOnTheSecondAccount_PrefersIt()
    {
        using var h = Create(
            o => o.Accounts = [Account(A), Account(B)],
            simulator: s => s.AddAccount(A, maxJobs: 1).AddAccount(B, maxJobs: 3));

        UseApiJob first = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "one" }));
        UseApiJob second = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "two" }));
        UseApiJob third = await h.RunAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "three" }));

        // B has 3 free slots, then 2, then A (1) and B (1) tie and the configured order decides.
        Assert.Equal(new[] { B, B, A }, new[] { first.Email, second.Email, third.Email });
    }

    [Fact]
    public async Task Calls_FirstTokenRevoked_SecondServesAndTheFirstIsNeverSentAgain()
    {
        using var h = Create(tokens: [Token1, Token2], simulator: s => s.RejectToken(Token1));

        UseApiVideoResult first = await h.RunAsync(h.Client.GenerateVideoAsync(new UseApiVideoRequest { Prompt = "one" }));
        UseApiVideoResult second = await h.RunAsync(h.Client.GenerateVideoAsync(new UseApiVideoRequest { Prompt = "two" }));

        Assert.NotEqual(first.JobId, second.JobId);
        SimulatedRequest onlyToken1 = Assert.Single(h.Simulator.Requests, r => r.ApiKey == Token1);
        Assert.Equal("/v2/account", onlyToken1.Path);
        Assert.Equal(401, onlyToken1.Response.StatusCode);
        Assert.All(h.Simulator.Requests.Skip(1), r => Assert.Equal(Token2, r.ApiKey));
        Assert.All(h.LogLines, line => Assert.DoesNotContain(Token1, line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Calls_EveryTokenRevoked_Unauthorized()
    {
        using var h = Create(tokens: [Token1], simulator: s => s.RejectToken(Token1));

        GenerationException error = await h.FailsAsync(h.Client.CreateVideoAsync(new UseApiVideoRequest { Prompt = "one" }));

        Assert.Equal(GenerationErrorKind.Unauthorized, error.Kind);
        Assert.Empty(h.Creates);
    }
}
