using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GenResilience.Tests.Failover;

public class GenerationFailoverOptionsTests
{
    [Fact]
    public void Ctor_Defaults()
    {
        var options = new GenerationFailoverOptions();

        Assert.Equal(TimeSpan.FromMinutes(2), options.BreakDuration);
        Assert.Equal(0.5, options.FailureRatio);
        Assert.Equal(2, options.MinimumThroughput);
        Assert.Equal(TimeSpan.FromMinutes(5), options.SamplingDuration);
        Assert.False(options.PreferCheapest);
        Assert.False(options.AllowDuplicateAfterAmbiguousFailure);
    }

    public static TheoryData<Action<GenerationFailoverOptions>, string> InvalidOptions => new()
    {
        { o => o.BreakDuration = TimeSpan.Zero, "GenerationFailoverOptions.BreakDuration (0ms) must be between 1s and 1 day: how long a failing target is skipped before a trial call." },
        { o => o.BreakDuration = TimeSpan.FromDays(2), "GenerationFailoverOptions.BreakDuration (48h) must be between 1s and 1 day: how long a failing target is skipped before a trial call." },
        { o => o.SamplingDuration = TimeSpan.FromMilliseconds(500), "GenerationFailoverOptions.SamplingDuration (500ms) must be between 1s and 1 day: the window over which a target's failures are counted." },
        { o => o.FailureRatio = 0, "GenerationFailoverOptions.FailureRatio (0) must be more than 0 and at most 1: the share of failed calls that takes a target out of use." },
        { o => o.FailureRatio = 1.5, "GenerationFailoverOptions.FailureRatio (1.5) must be more than 0 and at most 1: the share of failed calls that takes a target out of use." },
        { o => o.MinimumThroughput = 1, "GenerationFailoverOptions.MinimumThroughput (1) must be 2 or more: how many calls a target must have had before its failures can take it out of use." },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void ValidateOnStart_InvalidOptions_FailWithAMessageNamingTheSetting(Action<GenerationFailoverOptions> configure, string expected)
    {
        var services = new ServiceCollection();
        services.AddVideoGenerationFailover(t => t.Add("a", _ => new FakeVideoGenerator("a")), configure);
        using ServiceProvider provider = services.BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(expected, Assert.Single(error.Failures));
    }
}
