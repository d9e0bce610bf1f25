using GenResilience.Testing;
using GenResilience.Tests.Helpers;
using static GenResilience.Tests.Providers.Bytez.BytezHarness;

namespace GenResilience.Tests.Providers.Bytez;

public class BytezProbeTests
{
    [Fact]
    public async Task ProbeAsync_OneKeyOfEachState_OneRowForTheListAndOnePerKeyByFingerprint()
    {
        using var h = Create(
            keys: [Key1, Key2, Key3],
            simulator: s => s.WithKey(Key1).WithKey(Key2, BytezKeyState.Unauthorized).WithKey(Key3, BytezKeyState.OutOfCredits));

        ProviderProbeResult probe = await h.Client.ProbeAsync().Bounded();

        Assert.Equal("Bytez", probe.Provider);
        Assert.Equal(h.Time.GetUtcNow(), probe.CheckedAt);
        Assert.Equal(
            [
                ("GET /models/v2/list/models", 200, ProbeVerdict.Ok),
                ("key …0001", 200, ProbeVerdict.Ok),
                ("key …0002", 403, ProbeVerdict.AuthProblem),
                ("key …0003", 402, ProbeVerdict.AuthProblem),
            ],
            probe.Rows.Select(r => (r.Endpoint, r.StatusCode ?? 0, r.Verdict)));
        Assert.Null(probe.Rows[1].Detail);
        Assert.StartsWith("rejected", probe.Rows[2].Detail, StringComparison.Ordinal);
        Assert.StartsWith("out of credits", probe.Rows[3].Detail, StringComparison.Ordinal);
        Assert.False(probe.IsHealthy);
        Assert.Equal(ProbeVerdict.AuthProblem, probe.Verdict);

        // One request per row, each key used once, no run, and no key written anywhere in the result.
        Assert.Equal(4, h.Simulator.Requests.Count);
        Assert.Equal([Key1, Key2, Key3, Key1], h.Simulator.Requests.Select(r => r.ApiKey));
        Assert.Empty(h.Simulator.Runs);
        Assert.DoesNotContain(Key1, probe.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key2, probe.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key3, probe.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_ServiceDown_ReportsAnOutageAfterOneAttemptEach()
    {
        using var h = Create(keys: [Key1]);
        h.Simulator.Server.On(HttpMethod.Get, "/models/v2/list/models").Reply(SimulatedResponse.CloudflareError(522));
        h.Simulator.Server.On(HttpMethod.Get, "/models/v2/list/tasks").Reply(SimulatedResponse.CloudflareError(522));

        ProviderProbeResult probe = await h.Client.ProbeAsync().Bounded();

        Assert.Equal([ProbeVerdict.Outage, ProbeVerdict.Outage], probe.Rows.Select(r => r.Verdict));
        Assert.Equal([522, 522], probe.Rows.Select(r => r.StatusCode));
        Assert.Equal(ProbeVerdict.Outage, probe.Verdict);
        Assert.Equal(2, h.Simulator.Requests.Count);
    }

    [Fact]
    public async Task ProbeAsync_RejectedKey_IsNotQuarantinedByTheProbe()
    {
        using var h = Create(o => (o.KeyCheck, o.ValidateModelIds) = (null, false), keys: [Key1, Key2]);
        h.Simulator.Server.On(HttpMethod.Get, "/models/v2/list/tasks", Key1).Reply(BytezSimulator.Unauthorized());

        ProviderProbeResult probe = await h.Client.ProbeAsync().Bounded();
        await h.Client.RunAsync(BytezSimulator.ImageModel, new BytezRequest { Text = "a" }).Bounded();
        await h.Client.RunAsync(BytezSimulator.ImageModel, new BytezRequest { Text = "b" }).Bounded();

        // A probe reports; only real traffic decides what the client does with a key.
        Assert.Equal(ProbeVerdict.AuthProblem, probe.Rows[1].Verdict);
        Assert.Equal([Key1, Key2], h.Simulator.Runs.Select(r => r.ApiKey).Order());
        Assert.Empty(h.Messages("KeyRejected"));
    }
}
