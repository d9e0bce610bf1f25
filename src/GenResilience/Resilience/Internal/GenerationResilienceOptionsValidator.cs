using Microsoft.Extensions.Options;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// Checks the data annotations of <see cref="GenerationResilienceOptions"/> (source generated).
/// </summary>
[OptionsValidator]
internal sealed partial class GenerationResilienceOptionsValidator : IValidateOptions<GenerationResilienceOptions>
{
}
