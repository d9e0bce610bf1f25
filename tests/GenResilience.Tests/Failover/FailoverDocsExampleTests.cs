using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace GenResilience.Tests.Failover;

/// <summary>The test shown in docs/failover.md ("Testing code that uses a failover"), kept here so the page stays true.</summary>
public class FailoverDocsExampleTests
{
    [Fact]
    public async Task GenerateAsync_FlowDownThenBack_VelroServesUntilATrialBringsFlowBack()
    {
        var time = new FakeTimeProvider();
        var flow = new StubVideoGenerator { Failure = new GenerationException(GenerationErrorKind.ServiceUnavailable, "UseApi", "UseApi: 522.") };
        var velro = new StubVideoGenerator();
        using var videos = new FailoverVideoGenerator([new("flow", flow), new("velro", velro)], timeProvider: time);

        await videos.GenerateAsync(new("take 1"));
        await videos.GenerateAsync(new("take 2"));               // flow's second failure: out of use
        VideoGenerationResponse third = await videos.GenerateAsync(new("take 3"));
        Assert.Equal(GenerationFailoverSkipReason.CircuitOpen, third.Failover!.Skipped[0].Reason);
        Assert.Equal(2, flow.Calls);

        flow.Failure = null;                                       // flow is back
        time.Advance(new GenerationFailoverOptions().BreakDuration);
        VideoGenerationResponse fourth = await videos.GenerateAsync(new("take 4"));
        Assert.Equal("flow", fourth.Failover!.ServedBy);
    }

    private sealed class StubVideoGenerator : IVideoGenerator
    {
        public GenerationException? Failure { get; set; }

        public int Calls { get; private set; }

        public Task<VideoGenerationResponse> GenerateAsync(VideoGenerationRequest request, VideoGenerationOptions? options = null, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            return Failure is { } failure
                ? Task.FromException<VideoGenerationResponse>(failure)
                : Task.FromResult(new VideoGenerationResponse([new UriContent("https://cdn.example.com/v.mp4", "video/mp4")]));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
