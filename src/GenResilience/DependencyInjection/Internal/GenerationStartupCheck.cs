using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace GenResilience.DependencyInjection.Internal;

/// <summary>
/// Named after each client with a GenResilience pipeline and validated on start (<c>ValidateOnStart</c>): the
/// client's options, then its handler chain (another resilience handler on the same client).
/// </summary>
internal sealed class GenerationStartupCheck;

/// <summary>
/// Checks one client when the app starts, so a misconfiguration is reported then and not at the first request.
/// </summary>
internal sealed class GenerationStartupValidator(GenerationPipelineNames clients, IServiceProvider services, IHttpMessageHandlerFactory handlers)
    : IValidateOptions<GenerationStartupCheck>
{
    public ValidateOptionsResult Validate(string? name, GenerationStartupCheck options)
    {
        if (name is null || !clients.TryGet(name, out Resilience.Internal.GenerationClientDefinition? client))
        {
            return ValidateOptionsResult.Skip;
        }

        IReadOnlyList<string> failures = client.Validate(services);
        if (failures.Count > 0)
        {
            return ValidateOptionsResult.Fail(failures);
        }

        try
        {
            _ = handlers.CreateHandler(name);
            return ValidateOptionsResult.Success;
        }
        catch (HandlerChainException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
        catch (InvalidOperationException)
        {
            // A provider client of AddGenerationClients that is not configured: nothing to check.
            return ValidateOptionsResult.Skip;
        }
    }
}

/// <summary>A handler chain GenResilience cannot work in.</summary>
internal sealed class HandlerChainException(string message) : InvalidOperationException(message);
