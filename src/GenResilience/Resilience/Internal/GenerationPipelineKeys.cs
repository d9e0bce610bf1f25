using Polly;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// Names of the strategies, outermost first, and the context property that carries the request's state.
/// </summary>
internal static class GenerationPipelineKeys
{
    public const string HandlerName = "GenResilience";
    public const string RequestScope = "GenResilience.Request";
    public const string TotalTimeout = "GenResilience.TotalTimeout";
    public const string Retry = "GenResilience.Retry";
    public const string KeyAcquisition = "GenResilience.KeyAcquisition";
    public const string AttemptTimeout = "GenResilience.AttemptTimeout";

    public static readonly ResiliencePropertyKey<RequestState> State = new("GenResilience.RequestState");

    public static RequestState GetState(ResilienceContext context)
        => context.Properties.TryGetValue(State, out RequestState? state)
            ? state
            : throw new InvalidOperationException("The GenResilience request state is missing: the pipeline was built out of order.");
}
