using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GenResilience.Tests.Redis;

/// <summary>
/// A real Redis for the tests. <c>.ci/run</c> starts one for the whole run and names it in
/// <see cref="EnvironmentVariable"/>; without it, the first test that needs one starts a private <c>redis-server</c>
/// (from PATH) for the test process. Tests that stop and restart Redis start their own with <see cref="Start"/>.
/// </summary>
public sealed class RedisServer : IDisposable
{
    /// <summary>The <c>host:port</c> of a running server for the test run, set by <c>.ci/run</c>.</summary>
    public const string EnvironmentVariable = "GENRESILIENCE_TEST_REDIS";

    private static readonly Lazy<string?> ExecutablePath = new(FindExecutable);
    private static readonly Lazy<RedisServer> ProcessServer = new(() =>
    {
        RedisServer server = Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    });

    private Process? _process;

    private RedisServer(int port)
    {
        Port = port;
    }

    /// <summary>Gets why Redis tests cannot run here, or <see langword="null"/> when they can.</summary>
    public static string? SkipReason =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(EnvironmentVariable)) || ExecutablePath.Value is not null
            ? null
            : $"No Redis for this test: {EnvironmentVariable} is not set and no redis-server is on PATH (apt-get install redis-server; .ci/run installs and starts it).";

    /// <summary>Gets a value indicating whether a test can start its own server.</summary>
    public static bool CanStart => ExecutablePath.Value is not null;

    /// <summary>Gets the <c>host:port</c> of the server shared by the tests of this run.</summary>
    public static string Shared => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } endpoint ? endpoint : ProcessServer.Value.Endpoint;

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Starts a private server on a free loopback port, with no persistence.</summary>
    public static RedisServer Start()
    {
        var server = new RedisServer(FreePort());
        server.Run();
        return server;
    }

    /// <summary>Gets a loopback port that nothing listens on.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the server, as a crash would: its state is gone.</summary>
    public void Stop()
    {
        if (_process is { } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Starts the server again on the same port, empty.</summary>
    public void Restart()
    {
        Stop();
        Run();
    }

    public void Dispose() => Stop();

    private static string? FindExecutable()
    {
        IEnumerable<string> folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin");
        return folders.Select(f => Path.Combine(f, "redis-server")).FirstOrDefault(File.Exists);
    }

    private void Run()
    {
        string executable = ExecutablePath.Value ?? throw new InvalidOperationException(SkipReason);

        // Under a small shell that ends the server when the test process is gone, however it ended: a test host that is
        // killed runs no exit handler, and a server left behind would outlive every test run.
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(
            "\"$0\" --port \"$1\" --bind 127.0.0.1 --save '' --appendonly no --daemonize no & server=$!; "
            + "trap 'kill $server 2>/dev/null; exit 0' TERM INT; "
            + "while kill -0 \"$2\" 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done; kill $server 2>/dev/null");
        start.ArgumentList.Add(executable);
        start.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Ready when it answers PING; bounded, so a broken install fails the test instead of hanging it.
        var ready = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                NetworkStream stream = client.GetStream();
                stream.Write("PING\r\n"u8);
                byte[] buffer = new byte[16];
                int read = stream.Read(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (SocketException) when (ready.Elapsed < TimeSpan.FromSeconds(10) && !_process.HasExited)
            {
            }

            if (ready.Elapsed > TimeSpan.FromSeconds(10) || _process.HasExited)
            {
                throw new InvalidOperationException($"redis-server did not answer on port {Port}.");
            }

            Thread.Sleep(20);
        }
    }
}
