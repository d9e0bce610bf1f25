using System.Collections.Concurrent;
using System.Diagnostics;

namespace GenResilience.Tests.Helpers;

/// <summary>
/// Listens to the <c>GenResilience</c> activity source like an OpenTelemetry exporter would, for one test: it starts a
/// root activity (made current for the test's code) and keeps only the GenResilience activities of that trace, so
/// tests running in parallel do not see each other's requests, and samples nothing else.
/// </summary>
public sealed class ActivityCollector : IDisposable
{
    private const string TestSourceName = "GenResilience.Tests";

    private static readonly ActivitySource TestSource = new(TestSourceName);

    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public ActivityCollector()
    {
        ActivityTraceId trace = default;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "GenResilience" or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Source.Name == TestSourceName || (trace != default && options.Parent.TraceId == trace)
                    ? ActivitySamplingResult.AllDataAndRecorded
                    : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "GenResilience" && activity.TraceId == trace)
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);

        Activity.Current = null;
        Root = TestSource.StartActivity("test", ActivityKind.Internal) ?? throw new InvalidOperationException("The test's root activity was not sampled.");
        trace = Root.TraceId;
    }

    /// <summary>Gets the test's root activity: the parent of the requests the test makes.</summary>
    public Activity Root { get; }

    /// <summary>Gets the GenResilience activities of this test that have ended, in the order they ended.</summary>
    public IReadOnlyList<Activity> Activities => [.. _stopped];

    /// <summary>Gets the one ended activity whose operation is <paramref name="operation"/>.</summary>
    public Activity Only(string operation) => Assert.Single(Activities, a => (string?)a.GetTagItem("genresilience.operation") == operation);

    public void Dispose()
    {
        Root.Dispose();
        _listener.Dispose();
    }
}
