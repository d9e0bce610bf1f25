using GenResilience.Tests.Helpers;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace GenResilience.Tests.Failover;

/// <summary>The rules of <see cref="FailoverVideoGenerator"/>, on fake generators and a fake clock.</summary>
public class FailoverVideoGeneratorTests
{
    [Fact]
    public async Task GenerateAsync_FirstTargetServes_ReportSaysSoAndNothingWasSkipped()
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);

        VideoGenerationResponse response = await f.GenerateAsync().Bounded();

        Assert.Equal("flow", response.ProviderName);
        Assert.Equal("flow", response.Failover!.ServedBy);
        Assert.Empty(response.Failover.Skipped);
        Assert.False(response.Failover.FailedOver);
        Assert.Equal(0, f.Targets[1].Calls);
    }

    [Theory]
    [InlineData(GenerationErrorKind.ServiceUnavailable)]
    [InlineData(GenerationErrorKind.Timeout)]
    [InlineData(GenerationErrorKind.RateLimited)]
    [InlineData(GenerationErrorKind.NoAccountAvailable)]
    [InlineData(GenerationErrorKind.InsufficientCredits)]
    [InlineData(GenerationErrorKind.Unauthorized)]
    [InlineData(GenerationErrorKind.ModelNotFound)]
    [InlineData(GenerationErrorKind.JobFailed)]
    [InlineData(GenerationErrorKind.JobExpired)]
    [InlineData(GenerationErrorKind.Unknown)]
    public async Task GenerateAsync_FailureAnotherProviderCouldServe_MovesToTheNextTargetAndTheReportSaysWhy(GenerationErrorKind kind)
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);
        GenerationException failure = FailoverFakes.Error(kind, provider: "flow");
        f.Targets[0].FailNext(failure);

        VideoGenerationResponse response = await f.GenerateAsync().Bounded();

        Assert.Equal("velro", response.ProviderName);
        Assert.Equal("velro", response.Failover!.ServedBy);
        GenerationFailoverSkip skip = Assert.Single(response.Failover.Skipped);
        Assert.Equal("flow", skip.Target);
        Assert.Equal(GenerationFailoverSkipReason.Failed, skip.Reason);
        Assert.Equal(kind, skip.ErrorKind);
        Assert.Same(failure, skip.Exception);
        Assert.Equal($"failed with {kind}: flow video failed: {kind} (simulated).", skip.Message);
    }

    [Theory]
    [InlineData(GenerationErrorKind.InvalidRequest)]
    [InlineData(GenerationErrorKind.ContentRejected)]
    public async Task GenerateAsync_FailureAboutTheRequest_IsRethrownAsItIsWithoutTryingTheNextTarget(GenerationErrorKind kind)
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);
        GenerationException failure = FailoverFakes.Error(kind, provider: "flow");
        f.Targets[0].FailNext(failure);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => f.GenerateAsync().Bounded());

        Assert.Same(failure, error);
        Assert.Equal(0, f.Targets[1].Calls);
        Assert.Empty(f.Records("FailoverSwitched"));
    }

    [Fact]
    public async Task GenerateAsync_ExceptionThatIsNotAGenerationException_IsRethrownWithoutTryingTheNextTarget()
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);
        var bug = new InvalidOperationException("a bug in a custom generator");
        f.Targets[0].FailNext(bug);

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => f.GenerateAsync().Bounded());

        Assert.Same(bug, error);
        Assert.Equal(0, f.Targets[1].Calls);
    }

    [Fact]
    public async Task GenerateAsync_EveryTargetFails_OneGenerationExceptionNamesEachTargetsFailure()
    {
        using var f = FailoverFakes.Create(["flow", "velro", "bytez"]);
        GenerationException flow = FailoverFakes.Error(GenerationErrorKind.ServiceUnavailable, provider: "flow");
        GenerationException velro = FailoverFakes.Error(GenerationErrorKind.InsufficientCredits, provider: "velro");
        GenerationException bytez = FailoverFakes.Error(GenerationErrorKind.Timeout, provider: "bytez");
        f.Targets[0].FailNext(flow);
        f.Targets[1].FailNext(velro);
        f.Targets[2].FailNext(bytez);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => f.GenerateAsync().Bounded());

        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal("failover", error.Provider);
        Assert.Equal("video", error.Operation);
        Assert.Equal(12, error.Attempts);
        Assert.False(error.MayHaveStartedWork);
        Assert.Equal(
            "video failover: no target could serve the call. "
            + "[flow] failed with ServiceUnavailable: flow video failed: ServiceUnavailable (simulated). "
            + "[velro] failed with InsufficientCredits: velro video failed: InsufficientCredits (simulated). "
            + "[bytez] failed with Timeout: bytez video failed: Timeout (simulated). "
            + "A target that keeps failing is passed by for GenerationFailoverOptions.BreakDuration (2m), then tried again.",
            error.Message);
        AggregateException all = Assert.IsType<AggregateException>(error.InnerException);
        Assert.Equal([flow, velro, bytez], all.InnerExceptions);
        Assert.Equal("The service is having trouble right now. Please try again later.", error.UserMessage);
        FakeLogRecord line = Assert.Single(f.Records("FailoverAllTargetsFailed"));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Equal("video failover: no target could serve the call ([flow] failed with ServiceUnavailable; [velro] failed with InsufficientCredits; [bytez] failed with Timeout)", line.Message);
    }

    [Fact]
    public async Task GenerateAsync_EveryTargetFailsWithOneKind_TheErrorHasThatKind()
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);
        f.Targets[0].FailNext(FailoverFakes.Error(GenerationErrorKind.Unauthorized));
        f.Targets[1].FailNext(FailoverFakes.Error(GenerationErrorKind.Unauthorized));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => f.GenerateAsync().Bounded());

        Assert.Equal(GenerationErrorKind.Unauthorized, error.Kind);
    }

    [Fact]
    public async Task GenerateAsync_EveryTargetRateLimitedWithRetryAfter_TheErrorSaysWhenToComeBack()
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);
        f.Targets[0].FailNext(FailoverFakes.Error(GenerationErrorKind.RateLimited, retryAfter: TimeSpan.FromSeconds(40)));
        f.Targets[1].FailNext(FailoverFakes.Error(GenerationErrorKind.RateLimited, retryAfter: TimeSpan.FromSeconds(25)));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => f.GenerateAsync().Bounded());

        Assert.Equal(GenerationErrorKind.RateLimited, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(25), error.RetryAfter);
        Assert.Equal("The service is busy; please try again in 25 seconds.", error.UserMessage);
    }

    [Fact]
    public async Task GenerateAsync_AmbiguousFailure_IsNotStartedAgainOnTheNextTargetByDefault()
    {
        using var f = FailoverFakes.Create(["velro", "bytez"]);
        GenerationException failure = FailoverFakes.Error(GenerationErrorKind.Timeout, mayHaveStartedWork: true, provider: "Velro");
        f.Targets[0].FailNext(failure);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => f.GenerateAsync().Bounded());

        Assert.Equal(0, f.Targets[1].Calls);
        Assert.Equal(GenerationErrorKind.Timeout, error.Kind);
        Assert.Equal("Velro", error.Provider);
        Assert.True(error.MayHaveStartedWork);
        Assert.Same(failure, error.InnerException);
        Assert.Equal(failure.Attempts, error.Attempts);
        Assert.StartsWith(
            "video failover: [velro] failed with Timeout after the call may have started a paid job there, so it was not sent to [bytez], which could pay twice for one video. "
            + "Look for the job at Velro before trying again, or set GenerationFailoverOptions.AllowDuplicateAfterAmbiguousFailure to move such calls on. [velro] said: ",
            error.Message,
            StringComparison.Ordinal);
        FakeLogRecord warning = Assert.Single(f.Records("FailoverAmbiguousFailureNotMoved"));
        Assert.Equal(LogLevel.Warning, warning.Level);
    }

    [Fact]
    public async Task GenerateAsync_AmbiguousFailureWithDuplicatesAllowed_IsSentToTheNextTarget()
    {
        using var f = FailoverFakes.Create(["velro", "bytez"], o => o.AllowDuplicateAfterAmbiguousFailure = true);
        f.Targets[0].FailNext(FailoverFakes.Error(GenerationErrorKind.Timeout, mayHaveStartedWork: true));

        VideoGenerationResponse response = await f.GenerateAsync().Bounded();

        Assert.Equal("bytez", response.Failover!.ServedBy);
        Assert.True(Assert.Single(response.Failover.Skipped).Exception is GenerationException { MayHaveStartedWork: true });
    }

    [Fact]
    public async Task GenerateAsync_AmbiguousFailureOnTheLastTarget_IsPartOfTheAllTargetsError()
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);
        f.Targets[0].FailNext(FailoverFakes.Error(GenerationErrorKind.ServiceUnavailable));
        f.Targets[1].FailNext(FailoverFakes.Error(GenerationErrorKind.Timeout, mayHaveStartedWork: true));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => f.GenerateAsync().Bounded());

        Assert.Equal("failover", error.Provider);
        Assert.True(error.MayHaveStartedWork);
    }

    [Fact]
    public async Task GenerateAsync_CallerCancelsWhileATargetWorks_ThrowsAtOnceWithoutTryingTheNextTarget()
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);
        f.Targets[0].Before = token => Task.Delay(Timeout.Infinite, token);
        using var cancel = new CancellationTokenSource();

        Task<VideoGenerationResponse> call = f.GenerateAsync(cancel.Token);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Bounded());
        Assert.Equal(0, f.Targets[1].Calls);
        Assert.Empty(f.Records("FailoverSwitched"));
    }

    [Fact]
    public async Task GenerateAsync_TargetFailsAsTheCallerCancels_ThrowsOperationCanceledWithoutTryingTheNextTarget()
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);
        using var cancel = new CancellationTokenSource();
        f.Targets[0].Before = _ =>
        {
            cancel.Cancel();
            return Task.CompletedTask;
        };
        f.Targets[0].FailNext(FailoverFakes.Error(GenerationErrorKind.ServiceUnavailable));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => f.GenerateAsync(cancel.Token).Bounded());

        Assert.Equal(0, f.Targets[1].Calls);
    }

    [Fact]
    public async Task GenerateAsync_TokenAlreadyCancelled_CallsNoTarget()
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => f.GenerateAsync(new CancellationToken(canceled: true)).Bounded());

        Assert.Equal(0, f.Targets[0].Calls);
    }

    [Fact]
    public async Task GenerateAsync_CancelledCalls_DoNotTakeATargetOutOfUse()
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);
        f.Targets[0].Before = token => Task.Delay(Timeout.Infinite, token);
        for (int i = 0; i < 3; i++)
        {
            using var cancel = new CancellationTokenSource();
            Task<VideoGenerationResponse> call = f.GenerateAsync(cancel.Token);
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Bounded());
        }

        f.Targets[0].Before = null;
        VideoGenerationResponse response = await f.GenerateAsync().Bounded();

        Assert.Equal("flow", response.Failover!.ServedBy);
    }

    [Fact]
    public async Task GenerateAsync_TargetFailsTwice_IsPassedByUntilTheBreakEndsThenATrialBringsItBack()
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);
        f.Targets[0].FailNext(FailoverFakes.Error(GenerationErrorKind.ServiceUnavailable), FailoverFakes.Error(GenerationErrorKind.ServiceUnavailable));

        // Two failures in the sampling window: the second takes flow out of use.
        Assert.Equal("velro", (await f.GenerateAsync().Bounded()).Failover!.ServedBy);
        Assert.Equal("velro", (await f.GenerateAsync().Bounded()).Failover!.ServedBy);
        FakeLogRecord outOfUse = Assert.Single(f.Records("FailoverTargetOutOfUse"));
        Assert.Equal(LogLevel.Warning, outOfUse.Level);
        Assert.Equal("video failover: flow is out of use for 2m after failing with ServiceUnavailable; calls go to the other targets until a trial call succeeds (GenerationFailoverOptions.BreakDuration)", outOfUse.Message);

        f.Time.Advance(TimeSpan.FromSeconds(30));
        VideoGenerationResponse passedBy = await f.GenerateAsync().Bounded();
        Assert.Equal(2, f.Targets[0].Calls);
        GenerationFailoverSkip skip = Assert.Single(passedBy.Failover!.Skipped);
        Assert.Equal(GenerationFailoverSkipReason.CircuitOpen, skip.Reason);
        Assert.Equal(GenerationErrorKind.ServiceUnavailable, skip.ErrorKind);
        Assert.Null(skip.Exception);
        Assert.Equal("out of use after failing with ServiceUnavailable; the next trial call in 1m30s", skip.Message);

        f.Time.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal("flow", (await f.GenerateAsync().Bounded()).Failover!.ServedBy);
        Assert.Equal("flow", (await f.GenerateAsync().Bounded()).Failover!.ServedBy);
        Assert.Single(f.Records("FailoverTargetTrial"));
        Assert.Single(f.Records("FailoverTargetBackInUse"));
    }

    [Fact]
    public async Task GenerateAsync_TrialCallFails_TargetIsPassedByForAnotherBreak()
    {
        using var f = FailoverFakes.Create(["flow", "velro"], o => o.BreakDuration = TimeSpan.FromMinutes(1));
        f.Targets[0].FailAlways(FailoverFakes.Error(GenerationErrorKind.ServiceUnavailable));
        await f.GenerateAsync().Bounded();
        await f.GenerateAsync().Bounded();

        f.Time.Advance(TimeSpan.FromMinutes(1));
        VideoGenerationResponse trial = await f.GenerateAsync().Bounded();
        VideoGenerationResponse after = await f.GenerateAsync().Bounded();

        Assert.Equal(3, f.Targets[0].Calls);
        Assert.Equal(GenerationFailoverSkipReason.Failed, Assert.Single(trial.Failover!.Skipped).Reason);
        Assert.Equal(GenerationFailoverSkipReason.CircuitOpen, Assert.Single(after.Failover!.Skipped).Reason);
        Assert.Equal(2, f.Records("FailoverTargetOutOfUse").Count);
    }

    [Fact]
    public async Task GenerateAsync_EveryTargetOutOfUse_FailsAtOnceSayingWhenTheFirstTrialIsDue()
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);
        f.Targets[0].FailAlways(FailoverFakes.Error(GenerationErrorKind.ServiceUnavailable));
        f.Targets[1].FailAlways(FailoverFakes.Error(GenerationErrorKind.ServiceUnavailable));
        await Assert.ThrowsAsync<GenerationException>(() => f.GenerateAsync().Bounded());
        f.Time.Advance(TimeSpan.FromSeconds(20));
        await Assert.ThrowsAsync<GenerationException>(() => f.GenerateAsync().Bounded());
        f.Time.Advance(TimeSpan.FromSeconds(10));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => f.GenerateAsync().Bounded());

        Assert.Equal(2, f.Targets[0].Calls);
        Assert.Equal(2, f.Targets[1].Calls);
        Assert.Equal(GenerationErrorKind.ServiceUnavailable, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(110), error.RetryAfter);
        Assert.Contains("[flow] out of use after failing with ServiceUnavailable; the next trial call in 1m50s.", error.Message, StringComparison.Ordinal);
        Assert.All(Assert.IsType<AggregateException>(error.InnerException).InnerExceptions, e => Assert.IsAssignableFrom<Polly.CircuitBreaker.BrokenCircuitException>(e));
    }

    [Theory]
    [InlineData(GenerationErrorKind.InvalidRequest)]
    [InlineData(GenerationErrorKind.ContentRejected)]
    [InlineData(GenerationErrorKind.ModelNotFound)]
    public async Task GenerateAsync_FailuresThatAreNotAboutTheTargetsHealth_NeverTakeItOutOfUse(GenerationErrorKind kind)
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);
        f.Targets[0].FailNext(FailoverFakes.Error(kind), FailoverFakes.Error(kind), FailoverFakes.Error(kind));
        for (int i = 0; i < 3; i++)
        {
            try
            {
                await f.GenerateAsync().Bounded();
            }
            catch (GenerationException)
            {
                // InvalidRequest and ContentRejected come back to the caller; ModelNotFound moves on.
            }
        }

        VideoGenerationResponse response = await f.GenerateAsync().Bounded();

        Assert.Equal("flow", response.Failover!.ServedBy);
        Assert.Empty(f.Records("FailoverTargetOutOfUse"));
    }

    [Fact]
    public async Task GenerateAsync_PreferCheapest_TriesHealthyTargetsCheapestFirstAndUnpricedLast()
    {
        using var f = FailoverFakes.Create(["flow", "velro", "ltx", "bytez"], o => o.PreferCheapest = true, costs: [20m, null, 5m, 5m]);
        f.Targets[2].FailNext(FailoverFakes.Error(GenerationErrorKind.ServiceUnavailable));
        f.Targets[3].FailNext(FailoverFakes.Error(GenerationErrorKind.ServiceUnavailable));

        VideoGenerationResponse first = await f.GenerateAsync().Bounded();
        VideoGenerationResponse second = await f.GenerateAsync().Bounded();

        Assert.Equal(["ltx", "bytez"], first.Failover!.Skipped.Select(s => s.Target));
        Assert.Equal("flow", first.Failover.ServedBy);
        Assert.Equal("ltx", second.Failover!.ServedBy);
        Assert.Equal(0, f.Targets[1].Calls);
    }

    [Fact]
    public async Task GenerateAsync_CostsWithoutPreferCheapest_KeepTheOrderTheTargetsWereAddedIn()
    {
        using var f = FailoverFakes.Create(["flow", "ltx"], costs: [20m, 5m]);

        VideoGenerationResponse response = await f.GenerateAsync().Bounded();

        Assert.Equal("flow", response.Failover!.ServedBy);
    }

    [Fact]
    public async Task GenerateAsync_PreferCheapestAndTheCheapestOutOfUse_NextCheapestServes()
    {
        using var f = FailoverFakes.Create(["flow", "ltx", "velro"], o => o.PreferCheapest = true, costs: [20m, 5m, 10m]);
        f.Targets[1].FailAlways(FailoverFakes.Error(GenerationErrorKind.NoAccountAvailable));
        await f.GenerateAsync().Bounded();
        await f.GenerateAsync().Bounded();

        VideoGenerationResponse response = await f.GenerateAsync().Bounded();

        Assert.Equal("velro", response.Failover!.ServedBy);
        Assert.Equal(GenerationFailoverSkipReason.CircuitOpen, Assert.Single(response.Failover.Skipped).Reason);
        Assert.Equal(0, f.Targets[0].Calls);
    }

    [Fact]
    public async Task GenerateAsync_Switch_IsLoggedOnceAndCountedInTheMeter()
    {
        using var f = FailoverFakes.Create(["flow", "velro", "bytez"]);
        using var switches = new MetricCollector<long>(f.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "GenResilience", "genresilience.failover.switches");
        f.Targets[0].FailNext(FailoverFakes.Error(GenerationErrorKind.ServiceUnavailable));

        await f.GenerateAsync().Bounded();

        FakeLogRecord line = Assert.Single(f.Records("FailoverSwitched"));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal("video failover: flow failed with ServiceUnavailable; the call moves to velro", line.Message);
        Assert.Equal("GenResilience.Failover", line.Category);
        Assert.Null(line.Exception);
        CollectedMeasurement<long> measurement = Assert.Single(switches.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal("video", measurement.Tags["genresilience.failover.medium"]);
        Assert.Equal("flow", measurement.Tags["genresilience.failover.from"]);
        Assert.Equal("velro", measurement.Tags["genresilience.failover.to"]);
        Assert.Equal("service_unavailable", measurement.Tags["genresilience.reason"]);
    }

    [Fact]
    public async Task GenerateAsync_TargetOutOfUse_PassingItByIsLoggedAtDebugAndCountedAsCircuitOpen()
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);
        using var switches = new MetricCollector<long>(f.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "GenResilience", "genresilience.failover.switches");
        f.Targets[0].FailAlways(FailoverFakes.Error(GenerationErrorKind.ServiceUnavailable));
        await f.GenerateAsync().Bounded();
        await f.GenerateAsync().Bounded();

        await f.GenerateAsync().Bounded();

        FakeLogRecord line = Assert.Single(f.Records("FailoverSkippedTargetOutOfUse"));
        Assert.Equal(LogLevel.Debug, line.Level);
        Assert.Equal("video failover: flow is passed by (out of use after failing with ServiceUnavailable; the next trial call in 2m); the call goes to velro", line.Message);
        Assert.Equal(2, f.Records("FailoverSwitched").Count);
        Assert.Equal(["service_unavailable", "service_unavailable", "circuit_open"], switches.GetMeasurementSnapshot().Select(m => m.Tags["genresilience.reason"]));
    }

    [Fact]
    public async Task GenerateAsync_ThreeTargets_EachSwitchIsLoggedOnce()
    {
        using var f = FailoverFakes.Create(["flow", "velro", "bytez"]);
        f.Targets[0].FailNext(FailoverFakes.Error(GenerationErrorKind.ServiceUnavailable));
        f.Targets[1].FailNext(FailoverFakes.Error(GenerationErrorKind.InsufficientCredits));

        VideoGenerationResponse response = await f.GenerateAsync().Bounded();

        Assert.Equal("bytez", response.Failover!.ServedBy);
        Assert.Equal(
            ["video failover: flow failed with ServiceUnavailable; the call moves to velro", "video failover: velro failed with InsufficientCredits; the call moves to bytez"],
            f.Records("FailoverSwitched").Select(r => r.Message));
    }

    [Fact]
    public void GetService_Metadata_IsTheFailoversAndOtherServicesComeFromTheTargets()
    {
        using var f = FailoverFakes.Create(["flow", "velro"]);

        VideoGeneratorMetadata metadata = Assert.IsType<VideoGeneratorMetadata>(f.Failover.GetService(typeof(VideoGeneratorMetadata)));
        Assert.Equal("failover", metadata.ProviderName);
        Assert.Same(f.Failover, f.Failover.GetService(typeof(FailoverVideoGenerator)));
        Assert.Same(f.Targets[0], f.Failover.GetService(typeof(FakeVideoGenerator)));
        Assert.Null(f.Failover.GetService(typeof(string)));
        Assert.Equal(["flow", "velro"], f.Failover.Targets.Select(t => t.Name));
    }

    [Fact]
    public void Dispose_TargetsPassedToTheConstructor_StayTheCallers()
    {
        var f = FailoverFakes.Create(["flow"]);

        f.Dispose();

        Assert.False(f.Targets[0].Disposed);
    }

    [Fact]
    public void Ctor_NoTargets_Throws()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new FailoverVideoGenerator([]));

        Assert.StartsWith("A video failover needs at least one target.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctor_TwoTargetsWithOneName_Throws()
    {
        using var a = new FakeVideoGenerator("a");
        using var b = new FakeVideoGenerator("b");

        ArgumentException error = Assert.Throws<ArgumentException>(() => new FailoverVideoGenerator([new("velro", a), new("Velro", b)]));

        Assert.StartsWith("The video failover has two targets named 'velro'; give each target its own name (they name the targets in reports, logs and metrics).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctor_InvalidOptions_ThrowsWithTheSettingsMessages()
    {
        using var a = new FakeVideoGenerator("a");

        ArgumentException error = Assert.Throws<ArgumentException>(() => new FailoverVideoGenerator([new("a", a)], new GenerationFailoverOptions { MinimumThroughput = 1 }));

        Assert.StartsWith("GenerationFailoverOptions.MinimumThroughput (1) must be 2 or more", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Target_NegativeCost_Throws()
    {
        using var a = new FakeVideoGenerator("a");

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => new GenerationFailoverTarget<IVideoGenerator>("a", a, -1m));

        Assert.StartsWith("The cost of failover target 'a' is negative; give zero or more, or null when it is unknown.", error.Message, StringComparison.Ordinal);
    }
}
