using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GenResilience.TrimSmoke;

/// <summary>One request as the server saw it.</summary>
internal sealed record LoopbackRequest(string Method, string Path, string? ApiKey, string Body);

/// <summary>
/// A few Bytez answers on 127.0.0.1 (HttpListener, no WireMock): the key check (<c>GET models/v2/list/tasks</c>) and
/// model runs (<c>POST models/v2/{model}</c>). The first run meets a Cloudflare 522; the revoked key gets 403.
/// </summary>
internal sealed class LoopbackBytez : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _revokedKey;
    private readonly Task _loop;
    private readonly object _gate = new();
    private readonly List<LoopbackRequest> _requests = [];
    private int _runs;

    public LoopbackBytez(string revokedKey)
    {
        _revokedKey = revokedKey;
        int port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseAddress.ToString());
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseAddress { get; }

    public IReadOnlyList<LoopbackRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static string ImageAddress(int run) => $"https://cdn.example.invalid/fox-{run}.png";

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.GetAwaiter().GetResult();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            await AnswerAsync(context);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        HttpListenerRequest request = context.Request;
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        string body = await reader.ReadToEndAsync();
        string? authorization = request.Headers["Authorization"];
        string? key = authorization is not null && authorization.StartsWith("Key ", StringComparison.Ordinal) ? authorization[4..] : null;
        string path = request.Url!.AbsolutePath;
        lock (_gate)
        {
            _requests.Add(new LoopbackRequest(request.HttpMethod, path, key, body));
        }

        (int status, string contentType, string answer) = (request.HttpMethod, path) switch
        {
            (_, _) when key == _revokedKey => (403, "application/json", """{"error":"Unauthorized","output":null}"""),
            ("GET", "/models/v2/list/tasks") => (200, "application/json", """{"error":null,"output":["text-to-image"]}"""),
            ("POST", _) when path.StartsWith("/models/v2/", StringComparison.Ordinal) => Run(),
            _ => (404, "application/json", """{"error":"Not found","output":null}"""),
        };
        byte[] bytes = Encoding.UTF8.GetBytes(answer);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private (int Status, string ContentType, string Answer) Run()
    {
        int run = Interlocked.Increment(ref _runs);
        return run == 1
            ? (522, "text/html", "<html><head><title>api.bytez.com | 522: Connection timed out</title></head><body>error code: 522</body></html>")
            : (200, "application/json", $$"""{"error":null,"output":"{{ImageAddress(run)}}"}""");
    }
}
