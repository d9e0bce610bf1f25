using Microsoft.Extensions.Options;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// Checks the rules of <see cref="GenerationResilienceOptions"/> that annotations cannot express.
/// </summary>
internal sealed class GenerationResilienceOptionsCustomValidator : IValidateOptions<GenerationResilienceOptions>
{
    public ValidateOptionsResult Validate(string? name, GenerationResilienceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        GenerationResilienceRules.Check(options, "GenerationResilienceOptions.{0}", failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
