using Microsoft.Extensions.Options;

namespace GenResilience.Providers.Internal;

/// <summary>
/// Checks the data annotations of <see cref="GenerationClientsOptions"/> and of each configured provider (source generated).
/// </summary>
[OptionsValidator]
internal sealed partial class GenerationClientsOptionsValidator : IValidateOptions<GenerationClientsOptions>
{
}
