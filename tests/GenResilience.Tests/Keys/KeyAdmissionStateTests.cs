using GenResilience.Keys.Internal;
using Microsoft.Extensions.Time.Testing;

namespace GenResilience.Tests.Keys;

/// <summary>What a health check reads from a key's admission: open, cooling after a 429, the trial, then paced.</summary>
public class KeyAdmissionStateTests
{
    [Fact]
    public void GetState_ThroughA429_OpenThenCoolingThenTrialThenPaced()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var admission = new KeyAdmission(time, configuredRate: null);
        DateTimeOffset start = time.GetUtcNow();

        Assert.Equal(new KeyAdmissionState(KeyAdmissionPhase.Open, default, null, 0), admission.GetState(start));

        Assert.True(admission.TryAdmit(start, out AdmissionTicket first));
        admission.OnRateLimited(first, start + TimeSpan.FromSeconds(2), start);
        KeyAdmissionState cooling = admission.GetState(start);
        Assert.Equal(KeyAdmissionPhase.Cooling, cooling.Phase);
        Assert.Equal(start + TimeSpan.FromSeconds(2), cooling.CoolingUntil);

        // The cooldown is over but nobody came yet: the key is ready, and the next request will be its trial.
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(KeyAdmissionPhase.Paced, admission.GetState(time.GetUtcNow()).Phase);

        Assert.True(admission.TryAdmit(time.GetUtcNow(), out AdmissionTicket trial));
        Assert.Equal(KeyAdmissionPhase.Trial, admission.GetState(time.GetUtcNow()).Phase);

        admission.OnCompleted(trial, succeeded: true, time.GetUtcNow());
        KeyAdmissionState paced = admission.GetState(time.GetUtcNow());
        Assert.Equal(KeyAdmissionPhase.Paced, paced.Phase);
        Assert.NotNull(paced.Rate);
    }

    [Fact]
    public void GetState_ConfiguredRate_PacedFromTheStart()
    {
        var time = new FakeTimeProvider();
        var admission = new KeyAdmission(time, configuredRate: 2.5);

        Assert.Equal(new KeyAdmissionState(KeyAdmissionPhase.Paced, default, 2.5, 0), admission.GetState(time.GetUtcNow()));
    }
}
