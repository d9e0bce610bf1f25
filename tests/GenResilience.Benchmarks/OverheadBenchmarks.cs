using System.Net;
using BenchmarkDotNet.Attributes;
using GenResilience.Benchmarks.Overhead;

namespace GenResilience.Benchmarks;

/// <summary>
/// What one request costs in the handler chain: a plain factory client, the standard resilience handler, and ours with
/// no keys and with two, each over an in-memory primary handler that answers a cached 200.
/// </summary>
[MemoryDiagnoser]
public class OverheadBenchmarks : IDisposable
{
    private OverheadClients? _clients;
    private HttpClient? _plain;
    private HttpClient? _standard;
    private HttpClient? _noKeys;
    private HttpClient? _twoKeys;

    /// <summary>Builds the clients and proves each request reaches its in-memory handler.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _clients = new OverheadClients();
        _plain = _clients.Create(OverheadClient.Plain);
        _standard = _clients.Create(OverheadClient.Standard);
        _noKeys = _clients.Create(OverheadClient.GenResilienceNoKeys);
        _twoKeys = _clients.Create(OverheadClient.GenResilienceTwoKeys);
        _clients.VerifyAsync().GetAwaiter().GetResult();
    }

    /// <summary>A plain <see cref="HttpClient"/> from the factory.</summary>
    /// <returns>The status.</returns>
    [Benchmark(Baseline = true, Description = "plain HttpClient")]
    public Task<HttpStatusCode> Plain() => OverheadClients.SendAsync(_plain!);

    /// <summary><c>AddStandardResilienceHandler()</c>.</summary>
    /// <returns>The status.</returns>
    [Benchmark(Description = "AddStandardResilienceHandler()")]
    public Task<HttpStatusCode> Standard() => OverheadClients.SendAsync(_standard!);

    /// <summary><c>AddGenerationResilience()</c> with no keys.</summary>
    /// <returns>The status.</returns>
    [Benchmark(Description = "AddGenerationResilience(), no keys")]
    public Task<HttpStatusCode> GenResilienceNoKeys() => OverheadClients.SendAsync(_noKeys!);

    /// <summary><c>AddGenerationResilience()</c> with two keys.</summary>
    /// <returns>The status.</returns>
    [Benchmark(Description = "AddGenerationResilience(), 2 keys")]
    public Task<HttpStatusCode> GenResilienceTwoKeys() => OverheadClients.SendAsync(_twoKeys!);

    /// <summary>Disposes the clients.</summary>
    [GlobalCleanup]
    public void Dispose()
    {
        _plain?.Dispose();
        _standard?.Dispose();
        _noKeys?.Dispose();
        _twoKeys?.Dispose();
        _clients?.Dispose();
        GC.SuppressFinalize(this);
    }
}
