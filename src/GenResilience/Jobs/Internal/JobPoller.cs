using System.Globalization;
using GenResilience.Diagnostics.Internal;

namespace GenResilience.Jobs.Internal;

/// <summary>
/// Waits for a provider's job, written once for every provider: fetch the status, interpret it, report progress when
/// it changes, wait the poll interval on the <see cref="TimeProvider"/>, and bound the whole wait. Each fetch is a call
/// through the resilience pipeline, so a 522 while polling is retried there and does not lose the job. Cancellation
/// ends the wait at once, during a fetch or between them. A failure while waiting is marked
/// <see cref="GenerationException.MayHaveStartedWork"/>: the job was created; a failure the job itself reports is not.
/// </summary>
internal static class JobPoller
{
    /// <summary>Waits until <paramref name="interpret"/> says the job is done.</summary>
    /// <param name="job">The job and how to wait for it.</param>
    /// <param name="fetch">Reads the job's status once, honouring the token.</param>
    /// <param name="interpret">Says whether the status means running, done or failed.</param>
    /// <param name="progress">Told each time the status or percentage changes.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The finished job's result.</returns>
    /// <exception cref="GenerationException">The job failed, or did not finish within <see cref="JobWait.Timeout"/> (kind <see cref="GenerationErrorKind.Timeout"/>).</exception>
    public static async Task<TResult> WaitAsync<TStatus, TResult>(
        JobWait job,
        Func<CancellationToken, Task<TStatus>> fetch,
        Func<TStatus, JobPoll<TResult>> interpret,
        IProgress<GenerationProgress>? progress,
        CancellationToken cancellationToken)
    {
        TimeProvider time = job.TimeProvider;
        long started = time.GetTimestamp();
        using var bound = new CancellationTokenSource(job.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
        (string Status, int? Percent)? reported = null;

        try
        {
            while (true)
            {
                TStatus status;
                try
                {
                    status = await fetch(linked.Token).ConfigureAwait(false);
                }
                catch (GenerationException e)
                {
                    // The job exists and may still run (and be charged) however its status read failed.
                    e.MarkMayHaveStartedWork();
                    throw;
                }

                JobPoll<TResult> poll = interpret(status);

                if (reported is not { } last || last.Status != poll.Status || last.Percent != poll.Percent)
                {
                    reported = (poll.Status, poll.Percent);
                    progress?.Report(new GenerationProgress(job.JobId, poll.Status, poll.Percent, time.GetElapsedTime(started)));
                }

                if (poll.IsDone)
                {
                    return poll.Failure is { } failure ? throw failure : poll.Result!;
                }

                await Task.Delay(job.Interval, time, linked.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (bound.IsCancellationRequested && !cancellationToken.IsCancellationRequested && e is OperationCanceledException or GenerationException { Kind: GenerationErrorKind.Timeout })
        {
            TimeSpan waited = time.GetElapsedTime(started);
            string last = reported is { } r ? r.Percent is { } p ? string.Create(CultureInfo.InvariantCulture, $"{r.Status}, {p}%") : r.Status : "no status yet";
            throw new GenerationException(
                GenerationErrorKind.Timeout,
                job.Provider,
                string.Create(CultureInfo.InvariantCulture, $"{job.Provider}: job {job.JobId} did not finish within {Durations.Format(job.Timeout)} (last status: {last}). ")
                + $"The job may still finish at the provider; wait for it again with its id, or raise {job.TimeoutSetting}.",
                e)
            {
                Operation = job.Operation,
                MayHaveStartedWork = true,
            };
        }
    }
}

/// <summary>One wait for a job.</summary>
/// <param name="Provider">The provider name, for errors.</param>
/// <param name="Operation">The operation, for errors.</param>
/// <param name="JobId">The job.</param>
/// <param name="Interval">The pause between two looks at the job.</param>
/// <param name="Timeout">How long the whole wait may last.</param>
/// <param name="TimeoutSetting">The setting that holds <paramref name="Timeout"/>, for the message.</param>
/// <param name="TimeProvider">The clock.</param>
internal sealed record JobWait(string Provider, string Operation, string JobId, TimeSpan Interval, TimeSpan Timeout, string TimeoutSetting, TimeProvider TimeProvider);
