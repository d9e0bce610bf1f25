using System.Collections.Concurrent;
using GenResilience.Diagnostics.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenResilience.Resilience.Internal;

/// <summary>
/// One <see cref="GenerationClientContext"/> per client name for the lifetime of the service provider.
/// </summary>
internal sealed class GenerationClientRegistry
{
    private const string LoggerCategory = "GenResilience";

    private readonly ConcurrentDictionary<string, Lazy<GenerationClientContext>> _clients = new(StringComparer.Ordinal);
    private readonly IServiceProvider _services;

    public GenerationClientRegistry(IServiceProvider services)
    {
        _services = services;
    }

    public GenerationClientContext Get(GenerationClientDefinition definition)
        => _clients.GetOrAdd(definition.ClientName, _ => new Lazy<GenerationClientContext>(() => Create(definition))).Value;

    /// <summary>Gets the context of a client that has been created, by name; for tests.</summary>
    internal GenerationClientContext? Find(string clientName)
        => _clients.TryGetValue(clientName, out Lazy<GenerationClientContext>? client) && client.IsValueCreated ? client.Value : null;

    private GenerationClientContext Create(GenerationClientDefinition definition)
    {
        TimeProvider time = _services.GetService<TimeProvider>() ?? TimeProvider.System;
        ILogger logger = _services.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory);
        return new GenerationClientContext(definition, _services, time, logger, _services.GetRequiredService<GenerationMetrics>());
    }
}
