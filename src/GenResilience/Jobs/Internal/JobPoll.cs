namespace GenResilience.Jobs.Internal;

/// <summary>What one look at a job's status came to.</summary>
/// <typeparam name="TResult">What a finished job yields.</typeparam>
internal readonly struct JobPoll<TResult>
{
    private JobPoll(bool done, TResult? result, string status, int? percent, GenerationException? failure)
    {
        IsDone = done;
        Result = result;
        Status = status;
        Percent = percent;
        Failure = failure;
    }

    public bool IsDone { get; }

    public TResult? Result { get; }

    public string Status { get; }

    public int? Percent { get; }

    public GenerationException? Failure { get; }

    /// <summary>Still running: look again after the poll interval.</summary>
    public static JobPoll<TResult> Running(string status, int? percent = null) => new(false, default, status, percent, null);

    /// <summary>Finished with a result.</summary>
    public static JobPoll<TResult> Done(TResult result, string status, int? percent = 100) => new(true, result, status, percent, null);

    /// <summary>Finished without one: the failure is thrown to the caller.</summary>
    public static JobPoll<TResult> Failed(GenerationException failure, string status) => new(true, default, status, null, failure);
}
