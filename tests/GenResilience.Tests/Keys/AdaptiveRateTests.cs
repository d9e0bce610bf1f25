using GenResilience.Keys.Internal;

namespace GenResilience.Tests.Keys;

public class AdaptiveRateTests
{
    [Fact]
    public void Ctor_StartsAtWhatTheProviderAcceptedInTheLastSecond()
    {
        Assert.Equal(10, new AdaptiveRate(admittedInLastSecond: 10).Rate);
        Assert.Equal(1, new AdaptiveRate(admittedInLastSecond: 0).Rate);
    }

    [Fact]
    public void OnTimeAtLimit_BeforeTheFirstEstimate_DoublesEveryQuarterSecond()
    {
        var rate = new AdaptiveRate(10);

        rate.OnTimeAtLimit(0.25);
        Assert.Equal(20, rate.Rate, precision: 6);
        rate.OnTimeAtLimit(0.5);
        Assert.Equal(80, rate.Rate, precision: 6);
    }

    [Fact]
    public void OnRateLimited_EndingSlowStart_KeepsSeventyPercentOfTheRateThatDrewIt_ThenProbesSlowly()
    {
        var rate = new AdaptiveRate(10);
        rate.OnTimeAtLimit(1); // 160 per second: past the provider's limit

        rate.OnRateLimited(admittedSinceCooldown: 150, secondsSinceCooldown: 1, recentAdmittedRate: 120);
        Assert.Equal(112, rate.Rate, precision: 6);

        rate.OnTimeAtLimit(1);
        Assert.InRange(rate.Rate, 112, 113);
    }

    [Fact]
    public void OnRateLimited_EndingSlowStartOnASlowProvider_KeepsNoMoreThanItWasJustSeenToAccept()
    {
        var rate = new AdaptiveRate(1);
        rate.OnTimeAtLimit(1); // 16 per second against a provider that takes 1

        rate.OnRateLimited(admittedSinceCooldown: 2, secondsSinceCooldown: 1.06, recentAdmittedRate: 1.3);

        Assert.Equal(1.3, rate.Rate, precision: 6);
    }

    [Fact]
    public void OnRateLimited_AtTheLimit_EstimatesAdmittedRateWithoutTheBurst_AndContinuesBelowIt()
    {
        // A provider with a bucket of 10 and 100 per second: 10 at once, then 110 more in the next 1.1 s.
        AdaptiveRate rate = PastSlowStart();

        rate.OnRateLimited(admittedSinceCooldown: 120, secondsSinceCooldown: 1.1);

        Assert.Equal(100, rate.Estimate, precision: 6);
        Assert.Equal(100 * AdaptiveRate.DecreaseFactor, rate.Rate, precision: 6);
    }

    [Fact]
    public void OnTimeAtLimit_AfterADecrease_ClimbsBackToTheEstimateInRecoveryTimeThenProbesSlowly()
    {
        AdaptiveRate rate = PastSlowStart();
        rate.OnRateLimited(120, 1.1);

        rate.OnTimeAtLimit(AdaptiveRate.RecoverySeconds / 2);
        double halfway = rate.Rate;
        rate.OnTimeAtLimit(AdaptiveRate.RecoverySeconds / 2);
        double recovered = rate.Rate;
        rate.OnTimeAtLimit(1);
        double probing = rate.Rate;

        Assert.InRange(halfway, 80, 100);
        Assert.True(halfway - 80 > 100 - halfway, "fast while far below the estimate");
        Assert.Equal(100, recovered, precision: 6);
        Assert.InRange(probing, 100.1, 105);
    }

    [Fact]
    public void OnRateLimited_TrialRefusedAtOnce_HalvesTheRate()
    {
        AdaptiveRate rate = PastSlowStart();
        rate.OnRateLimited(120, 1.1);

        rate.OnRateLimited(admittedSinceCooldown: 0, secondsSinceCooldown: 0.001);

        Assert.Equal(40, rate.Rate, precision: 6);
    }

    [Fact]
    public void OnRateLimited_TrialRefusedAtOnce_RecoversToTwiceTheHalvedRateNotBeyond()
    {
        AdaptiveRate rate = PastSlowStart();
        rate.OnRateLimited(120, 1.1);
        rate.OnRateLimited(admittedSinceCooldown: 0, secondsSinceCooldown: 0.001);

        // Halved to 40; the estimate it climbs back towards is the halved rate over the decrease factor (50).
        Assert.Equal(40 / AdaptiveRate.DecreaseFactor, rate.Estimate, precision: 6);
        rate.OnTimeAtLimit(AdaptiveRate.RecoverySeconds);
        Assert.Equal(50, rate.Rate, precision: 6);
    }

    [Fact]
    public void OnRateLimited_AdmittedRequestsButNoTimeSinceTheCooldown_HalvesTheRateInsteadOfDividingByZero()
    {
        // A 429 at the very instant the cooldown ended: a count over no time says nothing about the provider's rate.
        AdaptiveRate rate = PastSlowStart();
        rate.OnRateLimited(120, 1.1);

        rate.OnRateLimited(admittedSinceCooldown: 50, secondsSinceCooldown: 0);

        Assert.Equal(40, rate.Rate, precision: 6);
    }

    [Fact]
    public void Rate_NeverFallsBelowTheMinimum()
    {
        var rate = new AdaptiveRate(1);
        for (int i = 0; i < 20; i++)
        {
            rate.OnRateLimited(0, 0);
        }

        Assert.Equal(AdaptiveRate.MinRate, rate.Rate);
    }

    /// <summary>A rate whose slow start has ended: burst of 10 learned, then one 429 at 160 per second.</summary>
    private static AdaptiveRate PastSlowStart()
    {
        var rate = new AdaptiveRate(10);
        rate.OnTimeAtLimit(1);
        rate.OnRateLimited(150, 1, recentAdmittedRate: 120);
        return rate;
    }
}
