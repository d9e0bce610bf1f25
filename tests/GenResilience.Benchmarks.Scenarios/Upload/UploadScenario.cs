using System.Net.Http.Headers;
using GenResilience.Benchmarks.Server;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Benchmarks.Upload;

/// <summary>
/// Memory on large uploads: a file on disk uploaded through UseAPI's <c>UploadAssetAsync</c> and through a bare
/// <c>AddGenerationResilience()</c> client with a multipart body from <c>SetContentFactory</c>, to an endpoint that
/// reads each attempt whole and answers the first ones 503. Every attempt must re-open the file and stream it; the
/// process's working set is sampled meanwhile and compared with the idle process.
/// </summary>
public static class UploadScenario
{
    /// <summary>The one key of the clients.</summary>
    public const string Key = "bench-key-upload-1111";

    private const string BareClientName = "BenchUpload";

    /// <summary>The clients, in the order they run; the control last, so its garbage cannot weigh on the others.</summary>
    public static readonly IReadOnlyList<UploadPath> Paths = [UploadPath.UseApiUploadAsset, UploadPath.BareMultipart, UploadPath.BufferedControl];

    /// <summary>
    /// Writes a temporary file of <see cref="UploadSettings.FileBytes"/>, uploads it through each client of
    /// <see cref="Paths"/> (after a small warm-up upload through each), and deletes it.
    /// </summary>
    /// <param name="settings">The file, the faults and the sampling.</param>
    /// <param name="progress">Told when each upload ends, if given.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>One result per client, in order.</returns>
    public static async Task<IReadOnlyList<UploadResult>> RunAsync(UploadSettings settings, TextWriter? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string file = Path.Combine(Path.GetTempPath(), $"genresilience-upload-{Guid.NewGuid():N}.mp4");
        string warmUpFile = Path.Combine(Path.GetTempPath(), $"genresilience-upload-warm-{Guid.NewGuid():N}.mp4");
        try
        {
            WriteFile(file, settings.FileBytes);
            WriteFile(warmUpFile, 64 * 1024);
            await using UploadEndpoint endpoint = await UploadEndpoint.StartAsync(cancellationToken).ConfigureAwait(false);
            using ServiceProvider services = CreateServices(endpoint.BaseAddress, settings.RetryDelay, settings.FailuresBeforeSuccess);

            // The same path once with a small file, 503s included: code that runs once (JIT, the key check, the
            // connection) is not counted as the upload's memory.
            foreach (UploadPath path in Paths)
            {
                endpoint.Reset(settings.FailuresBeforeSuccess);
                _ = await UploadAsync(services, path, warmUpFile, cancellationToken).ConfigureAwait(false);
            }

            var results = new List<UploadResult>();
            foreach (UploadPath path in Paths)
            {
                endpoint.Reset(settings.FailuresBeforeSuccess);
                long started = TimeProvider.System.GetTimestamp();
                ((bool Succeeded, string? Error) outcome, MemoryPeak memory) = await MemoryPeak.MeasureAsync(
                    () => UploadAsync(services, path, file, cancellationToken), settings.SampleInterval).ConfigureAwait(false);
                TimeSpan elapsed = TimeProvider.System.GetElapsedTime(started);
                var result = new UploadResult(path, settings.FileBytes, outcome.Succeeded, outcome.Error, elapsed, memory, endpoint.Uploads);
                progress?.WriteLine($"upload: {result.Name}: {(result.Succeeded ? "succeeded" : "FAILED: " + result.Error)} after {result.Served.Count} attempts, peak working set {memory.WorkingSetAboveIdle / (1024.0 * 1024):0.0} MB above idle");
                results.Add(result);
            }

            return results;
        }
        finally
        {
            File.Delete(file);
            File.Delete(warmUpFile);
        }
    }

    /// <summary>The clients as an app registers them, with the retry delays shortened through their options.</summary>
    private static ServiceProvider CreateServices(Uri endpoint, TimeSpan retryDelay, int failures)
    {
        TimeSpan[] delays = [.. Enumerable.Repeat(retryDelay, Math.Max(3, failures))];
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddGenerationClients(o => o.UseApi = new UseApiClientOptions
        {
            BaseAddress = endpoint,
            ApiKeys = [Key],
            RetryDelays = delays,
        });
        services.AddHttpClient(BareClientName, c => c.BaseAddress = endpoint)
            .AddGenerationResilience(o =>
            {
                o.ApiKeys = [Key];
                o.RetryDelays = delays;
            });
        return services.BuildServiceProvider();
    }

    private static async Task<(bool Succeeded, string? Error)> UploadAsync(IServiceProvider services, UploadPath path, string file, CancellationToken cancellationToken)
    {
        try
        {
            if (path == UploadPath.UseApiUploadAsset)
            {
                string asset = await services.GetRequiredService<IUseApiClient>().UploadAssetAsync(UseApiUpload.FromFile(file), cancellationToken: cancellationToken).ConfigureAwait(false);
                return asset == UploadEndpoint.AssetId ? (true, null) : (false, $"asset id {asset}");
            }

            HttpClient http = services.GetRequiredService<IHttpClientFactory>().CreateClient(BareClientName);
            using var request = new HttpRequestMessage(HttpMethod.Post, UploadEndpoint.MultipartPath);
            byte[]? buffered = path == UploadPath.BufferedControl ? await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false) : null;
            request.SetContentFactory(() =>
            {
                var form = new MultipartFormDataContent
                {
                    { new StringContent("a red fox in the snow"), "prompt" },
                };
                HttpContent content = buffered is not null
                    ? new ByteArrayContent(buffered)
                    : new StreamContent(
                        new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 81920, FileOptions.Asynchronous | FileOptions.SequentialScan),
                        81920);
                content.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
                form.Add(content, "file", Path.GetFileName(file));
                return form;
            });
            using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? (true, null) : (false, $"status {(int)response.StatusCode}");
        }
        catch (GenerationException e)
        {
            return (false, $"{e.Kind}: {e.Message}");
        }
    }

    /// <summary>Writes <paramref name="bytes"/> of pseudo-random content (so nothing on the way can compress it) in 1 MB writes.</summary>
    private static void WriteFile(string path, long bytes)
    {
        byte[] chunk = new byte[1024 * 1024];
        new Random(12).NextBytes(chunk);
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.SequentialScan);
        for (long written = 0; written < bytes;)
        {
            int count = (int)Math.Min(chunk.Length, bytes - written);
            chunk[0] = (byte)(written >> 20);
            stream.Write(chunk, 0, count);
            written += count;
        }
    }
}
