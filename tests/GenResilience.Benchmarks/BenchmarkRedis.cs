using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace GenResilience.Benchmarks;

/// <summary>
/// The Redis of the scale-out benchmark: the one named in <c>GENRESILIENCE_BENCH_REDIS</c>, or else a
/// <c>redis-server</c> from PATH started on a free loopback port (no persistence) and stopped at the end.
/// </summary>
internal sealed class BenchmarkRedis : IDisposable
{
    private readonly Process? _process;

    private BenchmarkRedis(string configuration, string description, Process? process)
    {
        Configuration = configuration;
        Description = description;
        _process = process;
    }

    public string Configuration { get; }

    public string Description { get; }

    public static BenchmarkRedis Start()
    {
        if (Environment.GetEnvironmentVariable("GENRESILIENCE_BENCH_REDIS") is { Length: > 0 } endpoint)
        {
            return new BenchmarkRedis(endpoint, endpoint + " (GENRESILIENCE_BENCH_REDIS)", null);
        }

        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start: install it (apt-get install redis-server) or set GENRESILIENCE_BENCH_REDIS.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (waited.Elapsed < TimeSpan.FromSeconds(10) && !process.HasExited)
            {
                Thread.Sleep(20);
            }
        }

        return new BenchmarkRedis($"127.0.0.1:{port}", "a redis-server on loopback, on the same machine", process);
    }

    public void Dispose()
    {
        if (_process is not null)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
            _process.Dispose();
        }
    }
}
