using Microsoft.Extensions.Options;

namespace GenResilience.Providers.UseApi.Internal;

/// <summary>Checks the data annotations of <see cref="UseApiClientOptions"/>, the pipeline's included (source generated).</summary>
[OptionsValidator]
internal sealed partial class UseApiClientOptionsValidator : IValidateOptions<UseApiClientOptions>
{
}
