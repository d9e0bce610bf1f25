namespace GenResilience.Samples.Quickstart;

/// <summary>Which <see cref="CallLog"/> the requests sent from here on belong to (it flows with async calls).</summary>
internal sealed class CallRecorder
{
    private readonly AsyncLocal<CallLog?> _current = new();

    public CallLog? Current => _current.Value;

    /// <summary>Records the requests of the code that follows, until the scope is disposed.</summary>
    public IDisposable Begin(CallLog log)
    {
        CallLog? previous = _current.Value;
        _current.Value = log;
        return new Scope(this, previous);
    }

    private sealed class Scope(CallRecorder recorder, CallLog? previous) : IDisposable
    {
        public void Dispose() => recorder._current.Value = previous;
    }
}
