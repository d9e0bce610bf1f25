using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Benchmarks.Clients;

/// <summary>An <see cref="HttpClient"/> with <c>AddGenerationResilience</c>: the library under test.</summary>
public sealed class GenResilienceBenchmarkClient : BenchmarkClient
{
    private GenResilienceBenchmarkClient(IServiceCollection services, AttemptLog attempts)
        : base(services, attempts)
    {
    }

    /// <summary>Creates a client of the provider at <paramref name="baseAddress"/> with the pipeline's defaults and <paramref name="keys"/>.</summary>
    /// <param name="baseAddress">The provider's address.</param>
    /// <param name="keys">The key pool.</param>
    /// <param name="configure">Changes to the defaults, if any.</param>
    /// <param name="client">More registrations on the client's builder (such as <c>UseRedisKeyState</c>), if any.</param>
    /// <returns>The client.</returns>
    public static GenResilienceBenchmarkClient Create(
        Uri baseAddress, IReadOnlyList<string> keys, Action<GenerationResilienceOptions>? configure = null, Action<IHttpClientBuilder>? client = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var services = new ServiceCollection();
        IHttpClientBuilder builder = services.AddHttpClient(HttpClientName, c => c.BaseAddress = baseAddress)
            .AddGenerationResilience(o =>
            {
                o.ApiKeys = [.. keys];
                configure?.Invoke(o);
            });
        client?.Invoke(builder);
        return new GenResilienceBenchmarkClient(services, LogAttempts(builder));
    }

    /// <inheritdoc/>
    public override async Task<bool> GenerateAsync(CancellationToken cancellationToken)
    {
        using HttpRequestMessage request = NewGenerateRequest();
        using HttpResponseMessage response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK;
    }
}
