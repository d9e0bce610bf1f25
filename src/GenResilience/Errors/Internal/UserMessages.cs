using System.Globalization;

namespace GenResilience.Errors.Internal;

/// <summary>
/// Short sentences that an app can show to its end users as they are.
/// </summary>
internal static class UserMessages
{
    public static string For(GenerationErrorKind kind, int attempts, TimeSpan? retryAfter) => kind switch
    {
        GenerationErrorKind.Unauthorized => "The service is being set up. Please try again in a few minutes.",
        GenerationErrorKind.RateLimited => retryAfter is { } wait && wait > TimeSpan.Zero
            ? $"The service is busy; please try again in {Describe(wait)}."
            : "The service is busy; please try again in 2-3 minutes.",
        GenerationErrorKind.Timeout => "This is taking longer than usual. Please try again in a moment.",
        GenerationErrorKind.ServiceUnavailable => attempts > 1
            ? $"The service is having trouble right now; we retried {Times(attempts - 1)}. Please try again later."
            : "The service is having trouble right now. Please try again later.",
        GenerationErrorKind.InvalidRequest => "The request could not be processed. Please check your input and try again.",
        GenerationErrorKind.ModelNotFound => "The selected model is not available. Please choose another model.",
        GenerationErrorKind.InsufficientCredits => "Generation is paused because the service has run out of credits. Please try again later.",
        GenerationErrorKind.NoAccountAvailable => "No generation account is free right now. Please try again in a few minutes.",
        GenerationErrorKind.ContentRejected => "The request was declined by the content policy. Please change the prompt and try again.",
        GenerationErrorKind.JobFailed => "The generation failed. Please try again.",
        GenerationErrorKind.JobExpired => "The result is no longer available. Please start a new generation.",
        _ => "Something went wrong. Please try again.",
    };

    private static string Times(int n) => n == 1 ? "once" : n.ToString(CultureInfo.InvariantCulture) + " times";

    private static string Describe(TimeSpan wait)
    {
        if (wait < TimeSpan.FromMinutes(1))
        {
            int seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            return seconds == 1 ? "1 second" : seconds.ToString(CultureInfo.InvariantCulture) + " seconds";
        }

        int minutes = (int)Math.Ceiling(wait.TotalMinutes);
        return minutes == 1 ? "1 minute" : minutes.ToString(CultureInfo.InvariantCulture) + " minutes";
    }
}
