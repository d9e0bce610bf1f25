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
    public void OnTimeAtLimit_BeforeTheFirstEstimate_DoublesEveryHalfSecond()
    {
        var rate = new AdaptiveRate(10);

        rate.OnTimeAtLimit(0.5);
        Assert.Equal(20, rate.Rate, precision: 6);
        rate.OnTimeAtLimit(1);
        Assert.Equal(80, rate.Rate, precision: 6);
    }

    [Fact]
    public void OnRateLimited_EstimatesAdmittedRateWithoutTheBurst_AndContinuesBelowIt()
    {
        // A provider with a bucket of 10 and 100 per second: 10 at once, then 110 more in the next 1.1 s.
        var rate = new AdaptiveRate(10);

        rate.OnRateLimited(admittedSinceCooldown: 120, secondsSinceCooldown: 1.1);

        Assert.Equal(100, rate.Estimate, precision: 6);
        Assert.Equal(100 * AdaptiveRate.DecreaseFactor, rate.Rate, precision: 6);
    }

    [Fact]
    public void OnTimeAtLimit_AfterADecrease_ClimbsBackToTheEstimateInRecoveryTimeThenProbesSlowly()
    {
        var rate = new AdaptiveRate(10);
        rate.OnRateLimited(120, 1.1);

        rate.OnTimeAtLimit(1);
        double halfway = rate.Rate;
        rate.OnTimeAtLimit(1);
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
        var rate = new AdaptiveRate(10);
        rate.OnRateLimited(120, 1.1);

        rate.OnRateLimited(admittedSinceCooldown: 0, secondsSinceCooldown: 0.001);

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
}
