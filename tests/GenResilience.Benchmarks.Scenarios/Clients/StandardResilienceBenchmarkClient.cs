using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Benchmarks.Clients;

/// <summary>
/// An <see cref="HttpClient"/> with <c>AddStandardResilienceHandler()</c> and its defaults, one key in its default
/// headers: what a user of Microsoft.Extensions.Http.Resilience gets without this library.
/// </summary>
public sealed class StandardResilienceBenchmarkClient : BenchmarkClient
{
    private StandardResilienceBenchmarkClient(IServiceCollection services, AttemptLog attempts)
        : base(services, attempts)
    {
    }

    /// <summary>Creates a client of the provider at <paramref name="baseAddress"/> that sends <paramref name="key"/>.</summary>
    /// <param name="baseAddress">The provider's address.</param>
    /// <param name="key">The one key; the standard handler has no notion of a pool.</param>
    /// <returns>The client.</returns>
    public static StandardResilienceBenchmarkClient Create(Uri baseAddress, string key)
    {
        var services = new ServiceCollection();
        IHttpClientBuilder builder = services.AddHttpClient(HttpClientName, c =>
        {
            c.BaseAddress = baseAddress;
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        });
        builder.AddStandardResilienceHandler();
        return new StandardResilienceBenchmarkClient(services, LogAttempts(builder));
    }

    /// <inheritdoc/>
    public override async Task<bool> GenerateAsync(CancellationToken cancellationToken)
    {
        using HttpRequestMessage request = NewGenerateRequest();
        using HttpResponseMessage response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK;
    }
}
