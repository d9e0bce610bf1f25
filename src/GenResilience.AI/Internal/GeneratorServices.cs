namespace GenResilience.AI.Internal;

/// <summary>The part of <c>GetService</c> every adapter shares: itself, its provider client, and its metadata.</summary>
internal static class GeneratorServices
{
    public static object? Get(object generator, object client, object metadata, Type serviceType, object? serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType.IsInstanceOfType(metadata) ? metadata
            : serviceType.IsInstanceOfType(generator) ? generator
            : serviceType.IsInstanceOfType(client) ? client
            : null;
    }

    /// <summary>A prompt is required by every provider: say so before anything is sent.</summary>
    public static string RequirePrompt(string? prompt, string provider)
    {
        if (string.IsNullOrWhiteSpace(prompt))
        {
            throw new GenerationException(GenerationErrorKind.InvalidRequest, provider, $"{provider}: the prompt is empty.")
            {
                ValidationErrors = [new GenerationValidationError("Prompt", "The prompt is empty.")],
            };
        }

        return prompt;
    }

    /// <summary>The request's parameters beyond the typed options, by the provider's own names.</summary>
    public static void CopyAdditional(IDictionary<string, object?>? from, IDictionary<string, object> to)
    {
        if (from is null)
        {
            return;
        }

        foreach (KeyValuePair<string, object?> pair in from)
        {
            if (pair.Value is not null)
            {
                to[pair.Key] = pair.Value;
            }
        }
    }
}
