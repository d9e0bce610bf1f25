using GenResilience.Diagnostics.Internal;
using GenResilience.Resilience.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Testing;

namespace GenResilience.Tests.Resilience;

/// <summary>
/// The one retry strategy decides as the three nested retries it replaced did (key rotation innermost, then the
/// rate-limit retry, then the server-error retry), each reason with its own budget.
/// </summary>
public class RetryDecisionTests
{
    private static readonly Outcome<HttpResponseMessage> Response = Outcome.FromResult(new HttpResponseMessage());

    [Theory]
    [InlineData(nameof(AttemptOutcome.KeyRejected), nameof(RetryReason.KeyRejected))]
    [InlineData(nameof(AttemptOutcome.RateLimited), nameof(RetryReason.RateLimited))]
    [InlineData(nameof(AttemptOutcome.ServerError), nameof(RetryReason.ServerError))]
    [InlineData(nameof(AttemptOutcome.NetworkError), nameof(RetryReason.ServerError))]
    [InlineData(nameof(AttemptOutcome.AttemptTimeout), nameof(RetryReason.ServerError))]
    [InlineData(nameof(AttemptOutcome.Success), nameof(RetryReason.None))]
    [InlineData(nameof(AttemptOutcome.Failure), nameof(RetryReason.None))]
    [InlineData(nameof(AttemptOutcome.Canceled), nameof(RetryReason.None))]
    public void Decide_EachOutcome_HasItsReason(string last, string expected)
    {
        RequestState state = State(Enum.Parse<AttemptOutcome>(last));

        Assert.Equal(Enum.Parse<RetryReason>(expected), GenerationPipeline.Decide(state.Client, state, Response, serverErrorBudget: 3, rateLimitBudget: 3, keyRotationBudget: 2));
    }

    [Theory]
    [InlineData(nameof(AttemptOutcome.KeyRejected))]
    [InlineData(nameof(AttemptOutcome.RateLimited))]
    [InlineData(nameof(AttemptOutcome.ServerError))]
    public void Decide_Probe_IsNeverRetried(string last)
    {
        RequestState state = State(Enum.Parse<AttemptOutcome>(last));
        state.IsProbe = true;

        Assert.Equal(RetryReason.None, GenerationPipeline.Decide(state.Client, state, Response, 3, 3, 2));
    }

    [Fact]
    public void Decide_BudgetSpent_NoRetryAndNoOtherReasonTakesOver()
    {
        RequestState rejected = State(AttemptOutcome.KeyRejected);
        rejected.KeyRotations = 2;
        RequestState limited = State(AttemptOutcome.RateLimited);
        limited.RateLimitRetries = 3;
        RequestState failed = State(AttemptOutcome.ServerError);
        failed.ServerErrorRetries = 3;

        Assert.Equal(RetryReason.None, GenerationPipeline.Decide(rejected.Client, rejected, Response, 3, 3, 2));
        Assert.Equal(RetryReason.None, GenerationPipeline.Decide(limited.Client, limited, Response, 3, 3, 2));
        Assert.Equal(RetryReason.None, GenerationPipeline.Decide(failed.Client, failed, Response, 3, 3, 2));
    }

    [Fact]
    public void Decide_ReasonLeftOutOfThePipeline_IsNotRetried()
    {
        // No keys: no key rotation; MaxRateLimitRetries = 0; RetryDelays empty.
        Assert.Equal(RetryReason.None, GenerationPipeline.Decide(State(AttemptOutcome.KeyRejected).Client, State(AttemptOutcome.KeyRejected), Response, 3, 3, keyRotationBudget: 0));
        Assert.Equal(RetryReason.None, GenerationPipeline.Decide(State(AttemptOutcome.RateLimited).Client, State(AttemptOutcome.RateLimited), Response, 3, rateLimitBudget: 0, 2));
        Assert.Equal(RetryReason.None, GenerationPipeline.Decide(State(AttemptOutcome.ServerError).Client, State(AttemptOutcome.ServerError), Response, serverErrorBudget: 0, 3, 2));
    }

    [Fact]
    public void Decide_AmbiguousFailureOfANonIdempotentRequest_IsNotRetriedEvenWithBudgetSpent()
    {
        // The server-error retry asked its question before counting its budget, so the "not retried" note is recorded either way.
        RequestState state = State(AttemptOutcome.ServerError);
        state.MayHaveReachedOrigin = true;
        state.RetryAmbiguous = false;
        state.ServerErrorRetries = 3;

        Assert.Equal(RetryReason.None, GenerationPipeline.Decide(state.Client, state, Response, 3, 3, 2));
        Assert.True(state.NotRetriedAsAmbiguous);
    }

    [Fact]
    public async Task OnRetry_RateLimitOrServerErrorRetry_StartsTheKeyRotationBudgetAfresh()
    {
        RetryStrategyOptions<HttpResponseMessage> retry = RetryOptions();
        RequestState state = State(AttemptOutcome.KeyRejected);
        ResilienceContext context = ResilienceContextPool.Shared.Get();
        context.Properties.Set(GenerationPipelineKeys.State, state);

        // Two rejected keys use the budget of two; a 429 on the third attempt is retried and the budget is whole again.
        for (int i = 0; i < 2; i++)
        {
            Assert.True(await retry.ShouldHandle(new RetryPredicateArguments<HttpResponseMessage>(context, Response, i)));
            await retry.OnRetry!(new OnRetryArguments<HttpResponseMessage>(context, Response, i, TimeSpan.Zero, TimeSpan.Zero));
        }

        Assert.False(await retry.ShouldHandle(new RetryPredicateArguments<HttpResponseMessage>(context, Response, 2)));
        state.LastOutcome = AttemptOutcome.RateLimited;
        Assert.True(await retry.ShouldHandle(new RetryPredicateArguments<HttpResponseMessage>(context, Response, 2)));
        Assert.Equal(TimeSpan.Zero, await retry.DelayGenerator!(new RetryDelayGeneratorArguments<HttpResponseMessage>(context, Response, 2)));
        await retry.OnRetry!(new OnRetryArguments<HttpResponseMessage>(context, Response, 2, TimeSpan.Zero, TimeSpan.Zero));
        state.LastOutcome = AttemptOutcome.KeyRejected;

        Assert.Equal(1, state.RateLimitRetries);
        Assert.Equal(0, state.KeyRotations);
        Assert.True(await retry.ShouldHandle(new RetryPredicateArguments<HttpResponseMessage>(context, Response, 3)));
        ResilienceContextPool.Shared.Return(context);
    }

    [Fact]
    public async Task DelayGenerator_ServerErrorRetries_TakeTheDelaysInOrder()
    {
        RetryStrategyOptions<HttpResponseMessage> retry = RetryOptions();
        RequestState state = State(AttemptOutcome.ServerError);
        ResilienceContext context = ResilienceContextPool.Shared.Get();
        context.Properties.Set(GenerationPipelineKeys.State, state);
        var delays = new List<TimeSpan?>();

        for (int i = 0; i < 3; i++)
        {
            Assert.True(await retry.ShouldHandle(new RetryPredicateArguments<HttpResponseMessage>(context, Response, i)));
            delays.Add(await retry.DelayGenerator!(new RetryDelayGeneratorArguments<HttpResponseMessage>(context, Response, i)));
            await retry.OnRetry!(new OnRetryArguments<HttpResponseMessage>(context, Response, i, TimeSpan.Zero, TimeSpan.Zero));
        }

        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)], delays);
        Assert.False(await retry.ShouldHandle(new RetryPredicateArguments<HttpResponseMessage>(context, Response, 3)));
        ResilienceContextPool.Shared.Return(context);
    }

    private static GenerationClientContext Client(GenerationResilienceOptions options)
        => new(
            new GenerationClientDefinition("c", "c", _ => () => options, _ => [], "GenerationResilienceOptions.{0}", "keys", _ => { }),
            new ServiceCollection().BuildServiceProvider(),
            TimeProvider.System,
            NullLogger.Instance,
            new GenerationMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));

    private static RequestState State(AttemptOutcome last)
    {
        var options = new GenerationResilienceOptions { ApiKeys = ["test-key-1", "test-key-2"] };
        return new RequestState(Client(options), options, operation: null, deadline: null, totalTimeout: null) { LastOutcome = last, Method = "POST" };
    }

    /// <summary>The retry strategy's options as the pipeline builds them: 3 delays (5, 15, 30 s), 3 429 retries, 2 keys.</summary>
    private static RetryStrategyOptions<HttpResponseMessage> RetryOptions()
    {
        var options = new GenerationResilienceOptions { ApiKeys = ["test-key-1", "test-key-2"] };
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        GenerationPipeline.Configure(builder, Client(options), options);
        return (RetryStrategyOptions<HttpResponseMessage>)builder.Build().GetPipelineDescriptor().Strategies[2].Options!;
    }
}
