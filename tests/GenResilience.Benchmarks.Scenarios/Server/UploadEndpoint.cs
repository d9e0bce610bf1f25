using System.Buffers;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace GenResilience.Benchmarks.Server;

/// <summary>
/// An upload endpoint on loopback for the upload scenario: a bare Kestrel on <c>127.0.0.1:0</c> with no request size
/// limit that reads every upload to its end through one 64 KB buffer, counting the bytes (a multipart body section by
/// section, so the file part is counted on its own), and never keeps them. The first
/// <see cref="FailuresBeforeSuccess"/> uploads since the last <see cref="Reset"/> are answered 503 once read whole;
/// the next one 200. It answers UseAPI's upload (<c>POST /v1/ltxstudio/assets/</c>, the raw file), a multipart
/// upload (<c>POST /v1/uploads</c>) and UseAPI's key check (<c>GET /v2/account</c>).
/// </summary>
public sealed class UploadEndpoint : IAsyncDisposable
{
    /// <summary>UseAPI's upload path (its client's default <c>AssetsPath</c>).</summary>
    public const string UseApiAssetsPath = "/v1/ltxstudio/assets/";

    /// <summary>The path of the multipart upload of a bare client.</summary>
    public const string MultipartPath = "/v1/uploads";

    /// <summary>The asset id the UseAPI upload is answered with.</summary>
    public const string AssetId = "asset:bench-upload-1";

    private static readonly byte[] UnavailableBody = """{"error":"Service temporarily unavailable","code":503}"""u8.ToArray();
    private static readonly byte[] AssetBody = """{"assetUrl":"https://storage.example.com/assets/bench-upload-1","asset":{"type":"video","fileId":"asset:bench-upload-1","mimeType":"video/mp4"}}"""u8.ToArray();
    private static readonly byte[] UploadedBody = """{"id":"bench-upload-1"}"""u8.ToArray();
    private static readonly byte[] AccountBody = """{"email":"bench@example.com","verified":true}"""u8.ToArray();

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly List<ServedUpload> _uploads = [];
    private int _failuresBeforeSuccess = 2;
    private int _started;

    private UploadEndpoint(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Gets the address it listens on, such as <c>http://127.0.0.1:49152/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets how many uploads since the last <see cref="Reset"/> are answered 503.</summary>
    public int FailuresBeforeSuccess
    {
        get
        {
            lock (_gate)
            {
                return _failuresBeforeSuccess;
            }
        }
    }

    /// <summary>Gets every upload read to its end since the last <see cref="Reset"/>, in the order they ended.</summary>
    public IReadOnlyList<ServedUpload> Uploads
    {
        get
        {
            lock (_gate)
            {
                return [.. _uploads];
            }
        }
    }

    /// <summary>Starts the endpoint on a free loopback port.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running endpoint; dispose it to stop it.</returns>
    public static async Task<UploadEndpoint> StartAsync(CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore()
            .ConfigureKestrel(o =>
            {
                o.AddServerHeader = false;
                o.Limits.MaxRequestBodySize = null;
            })
            .UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();

        UploadEndpoint? endpoint = null;
        app.Run(context => endpoint!.AnswerAsync(context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.Single()
            ?? throw new InvalidOperationException("Kestrel started without reporting the address it listens on.");
        endpoint = new UploadEndpoint(app, new Uri(address.TrimEnd('/') + "/"));
        return endpoint;
    }

    /// <summary>Forgets every upload; the next <paramref name="failuresBeforeSuccess"/> uploads are answered 503.</summary>
    /// <param name="failuresBeforeSuccess">How many uploads fail before one succeeds.</param>
    public void Reset(int failuresBeforeSuccess)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(failuresBeforeSuccess);
        lock (_gate)
        {
            _failuresBeforeSuccess = failuresBeforeSuccess;
            _uploads.Clear();
            _started = 0;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<long> DrainAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static Task WriteAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (HttpMethods.IsGet(request.Method) && request.Path == "/v2/account")
        {
            await WriteAsync(context, StatusCodes.Status200OK, AccountBody).ConfigureAwait(false);
            return;
        }

        bool multipart = request.Path == MultipartPath;
        if (!HttpMethods.IsPost(request.Method) || !(multipart || request.Path == UseApiAssetsPath))
        {
            await WriteAsync(context, StatusCodes.Status404NotFound, """{"error":"Not found","code":404}"""u8.ToArray()).ConfigureAwait(false);
            return;
        }

        int attempt;
        lock (_gate)
        {
            attempt = ++_started;
        }

        long started = Stopwatch.GetTimestamp();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        long bodyBytes;
        long fileBytes;
        try
        {
            var counted = new CountingReadStream(request.Body);
            fileBytes = multipart
                ? await ReadFilePartsAsync(counted, request.ContentType, buffer, context.RequestAborted).ConfigureAwait(false)
                : await DrainAsync(counted, buffer, context.RequestAborted).ConfigureAwait(false);
            bodyBytes = counted.BytesRead;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        bool fail;
        lock (_gate)
        {
            fail = attempt <= _failuresBeforeSuccess;
            _uploads.Add(new ServedUpload(attempt, request.Path.Value ?? "/", request.ContentLength, bodyBytes, fileBytes, fail ? 503 : 200, Stopwatch.GetElapsedTime(started)));
        }

        await (fail
            ? WriteAsync(context, StatusCodes.Status503ServiceUnavailable, UnavailableBody)
            : WriteAsync(context, StatusCodes.Status200OK, multipart ? UploadedBody : AssetBody)).ConfigureAwait(false);
    }

    /// <summary>Reads a multipart body section by section (nothing buffered), and returns the bytes of its file parts.</summary>
    private static async Task<long> ReadFilePartsAsync(Stream body, string? contentType, byte[] buffer, CancellationToken cancellationToken)
    {
        string boundary = MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? type)
            ? HeaderUtilities.RemoveQuotes(type.Boundary).Value ?? string.Empty
            : string.Empty;
        if (boundary.Length == 0)
        {
            return 0;
        }

        var reader = new MultipartReader(boundary, body);
        long fileBytes = 0;
        while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
        {
            long read = await DrainAsync(section.Body, buffer, cancellationToken).ConfigureAwait(false);
            if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out ContentDispositionHeaderValue? disposition) && disposition.IsFileDisposition())
            {
                fileBytes += read;
            }
        }

        return fileBytes;
    }

    /// <summary>A read-only pass-through that counts the bytes read.</summary>
    private sealed class CountingReadStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            BytesRead += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>One upload the <see cref="UploadEndpoint"/> read to its end.</summary>
/// <param name="Attempt">Its number since the endpoint's last reset, from 1.</param>
/// <param name="Path">Its path.</param>
/// <param name="ContentLength">The <c>Content-Length</c> it announced, if any.</param>
/// <param name="BodyBytes">The bytes of its body, as read.</param>
/// <param name="FileBytes">The bytes of its file: the whole body of a raw upload, the file parts of a multipart one.</param>
/// <param name="Status">The status it was answered with.</param>
/// <param name="ReadTime">How long reading it took.</param>
public readonly record struct ServedUpload(int Attempt, string Path, long? ContentLength, long BodyBytes, long FileBytes, int Status, TimeSpan ReadTime);
