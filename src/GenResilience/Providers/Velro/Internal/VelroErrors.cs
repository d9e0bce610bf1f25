using System.Globalization;
using System.Text.RegularExpressions;
using GenResilience.Diagnostics.Internal;

namespace GenResilience.Providers.Velro.Internal;

/// <summary>
/// The Velro client's exceptions: the ones it raises before sending, and the pipeline's made to say what Velro meant
/// (a user message per kind, the numbers of a 402, what a 422 on a multipart form points to).
/// </summary>
internal static partial class VelroErrors
{
    public const string SessionExpiredUserMessage = "Sorry, your session expired; sign in again.";

    private const string Provider = VelroConstants.ProviderName;

    /// <summary>The request cannot succeed; nothing was sent.</summary>
    public static GenerationException Invalid(IReadOnlyList<VelroProblem> problems, string operation)
    {
        string list = string.Join("; ", problems.Select(p => $"{p.Field}: {p.Message}"));
        return new GenerationException(
            GenerationErrorKind.InvalidRequest,
            Provider,
            $"{Provider} {operation}: the request was not sent because Velro would refuse it. {list}{(list.EndsWith('.') ? string.Empty : ".")}")
        {
            Operation = operation,
            ValidationErrors = [.. problems.Select(p => p.ToValidationError())],
            UserMessage = problems[0].UserMessage,
        };
    }

    /// <summary>The model is not in the registry; nothing was sent to the create endpoint.</summary>
    public static GenerationException ModelNotFound(string modelId, VelroModelCatalog catalog, string modelsPath, string cacheSetting, TimeSpan cacheDuration)
    {
        string? suggestion = catalog.Suggest(modelId);
        string message = $"Velro has no model '{modelId}'. {catalog.DescribeModels()}"
            + (suggestion is null ? string.Empty : $" Did you mean '{suggestion}'?")
            + $" Nothing was sent to the create endpoint; the list is Velro's registry (GET {modelsPath}, kept for {Durations.Format(cacheDuration)}: {cacheSetting}).";
        return new GenerationException(GenerationErrorKind.ModelNotFound, Provider, message)
        {
            Operation = "create",
            ValidationErrors = [new GenerationValidationError("model_id", $"'{modelId}' is not in Velro's model registry.")],
        };
    }

    /// <summary>The service said the model is not in its registry, though the cached registry had it: say what is valid now.</summary>
    public static GenerationException ModelNotFoundByServer(GenerationException server, string modelId, VelroModelCatalog fresh, string modelsPath)
    {
        string message = $"Velro has no model '{modelId}'. {fresh.DescribeModels()}"
            + $" The create endpoint refused it ({server.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "no status"}: not found in registry), so the registry was read again (GET {modelsPath}). Server said: {server.Message}";
        return Copy(server, GenerationErrorKind.ModelNotFound, message, userMessage: null);
    }

    /// <summary>The account's balance is below the model's credits; nothing was sent.</summary>
    public static GenerationException NotEnoughCredits(VelroModel model, decimal balance, string settingToSkip)
    {
        string needed = model.Credits.ToString(CultureInfo.InvariantCulture);
        string has = Number(balance);
        return new GenerationException(
            GenerationErrorKind.InsufficientCredits,
            Provider,
            $"{Provider} create: not enough credits for {model.ModelId}: it needs {needed} credits and the balance is {has}. The request was not sent. "
            + $"Add credits to the Velro account behind the token (the balance is read from GET /api/v1/auth/me before each create; {settingToSkip} turns that off).")
        {
            Operation = "create",
            UserMessage = $"You need {needed} credits for this and have {has}. Please add credits and try again.",
        };
    }

    /// <summary>The generation failed at Velro (or fal.ai).</summary>
    public static GenerationException JobFailed(VelroGeneration generation)
        => new(
            GenerationErrorKind.JobFailed,
            Provider,
            $"{Provider}: generation {generation.Id} ({generation.ModelId ?? "unknown model"}) failed: {(string.IsNullOrWhiteSpace(generation.ErrorMessage) ? "Velro gave no reason" : generation.ErrorMessage.Trim())}")
        {
            Operation = "generate",
        };

    /// <summary>The generation was cancelled before it finished.</summary>
    public static GenerationException JobCancelled(VelroGeneration generation)
        => new(GenerationErrorKind.JobFailed, Provider, $"{Provider}: generation {generation.Id} ({generation.ModelId ?? "unknown model"}) was cancelled before it finished{(string.IsNullOrWhiteSpace(generation.ErrorMessage) ? string.Empty : ": " + generation.ErrorMessage.Trim())}.")
        {
            Operation = "generate",
            UserMessage = "The generation was cancelled. Please start it again.",
        };

    /// <summary>Velro said completed but gave no output.</summary>
    public static GenerationException CompletedWithoutOutput(VelroGeneration generation)
        => new(GenerationErrorKind.JobFailed, Provider, $"{Provider}: generation {generation.Id} ({generation.ModelId ?? "unknown model"}) says completed but has no output_urls and no media_url.")
        {
            Operation = "generate",
        };

    /// <summary>A create answered without an id: nothing to wait for.</summary>
    public static GenerationException CreatedWithoutId()
        => new(GenerationErrorKind.Unknown, Provider, $"{Provider} create: the service answered success without a generation id; the generation cannot be followed. The service may have changed its API.")
        {
            Operation = "create",
            StatusCode = 200,
            Attempts = 1,
        };

    /// <summary>
    /// Makes a failure from the pipeline say what Velro meant: the session message for a refused token, the numbers
    /// of a 402 for the end user, what a 422 "Field required" on a multipart form points to, and that a 503 from the
    /// create endpoint followed checks that rule out the request itself.
    /// </summary>
    public static GenerationException Refine(GenerationException e, string? context = null)
    {
        string prefix = context is null ? string.Empty : context + ": ";
        switch (e.Kind)
        {
            case GenerationErrorKind.Unauthorized:
                return Copy(e, e.Kind, prefix + e.Message + " A Velro token is a session (a Supabase JWT): when it expires, sign in again and put the new token in the options.", SessionExpiredUserMessage);

            case GenerationErrorKind.InsufficientCredits when CreditNumbers(e.Message) is { } numbers:
                return Copy(e, e.Kind, prefix + e.Message, $"You need {numbers.Required} credits for this and have {numbers.Available}. Please add credits and try again.");

            case GenerationErrorKind.InvalidRequest when e.StatusCode == 422 && e.Operation == "create"
                && e.ValidationErrors.Any(v => v.Message.Contains("required", StringComparison.OrdinalIgnoreCase)):
                return Copy(e, e.Kind, prefix + e.Message + " The form was sent as multipart/form-data with that field, so something between here and Velro (a proxy or gateway that rewrites or drops request bodies) is not passing it on.", userMessage: null);

            case GenerationErrorKind.ServiceUnavailable when e.Operation == "create" && e.StatusCode is >= 500:
                return Copy(e, e.Kind, prefix + e.Message + " The request passed the checks Velro's own 4xx answers are about (model in the registry, parameters, reference image, credits) before it was sent, so this is Velro's own fault (database, fal.ai, load), not the request.", userMessage: null);

            default:
                return context is null ? e : Copy(e, e.Kind, prefix + e.Message, userMessage: null);
        }
    }

    private static GenerationException Copy(GenerationException e, GenerationErrorKind kind, string message, string? userMessage)
    {
        // Without a sentence of its own, a copy of the same kind keeps the original's; of another kind, takes that kind's.
        string? user = userMessage ?? (kind == e.Kind ? e.UserMessage : null);
        return user is null
            ? new GenerationException(kind, e.Provider, message, e)
            {
                Operation = e.Operation, StatusCode = e.StatusCode, Attempts = e.Attempts, ErrorCode = e.ErrorCode,
                RequestId = e.RequestId, RetryAfter = e.RetryAfter, ValidationErrors = e.ValidationErrors, MayHaveStartedWork = e.MayHaveStartedWork,
            }
            : new GenerationException(kind, e.Provider, message, e)
            {
                Operation = e.Operation, StatusCode = e.StatusCode, Attempts = e.Attempts, ErrorCode = e.ErrorCode,
                RequestId = e.RequestId, RetryAfter = e.RetryAfter, ValidationErrors = e.ValidationErrors, UserMessage = user,
                MayHaveStartedWork = e.MayHaveStartedWork,
            };
    }

    private static (string Required, string Available)? CreditNumbers(string text)
    {
        Match match = CreditsPattern().Match(text);
        return match.Success ? (match.Groups["required"].Value, match.Groups["available"].Value) : null;
    }

    private static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Required:\s*(?<required>-?\d+(?:\.\d+)?)\D+?Available:\s*(?<available>-?\d+(?:\.\d+)?)", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex CreditsPattern();
}
