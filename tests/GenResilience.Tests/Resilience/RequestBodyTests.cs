using System.Net;
using GenResilience.Testing;
using GenResilience.Tests.Helpers;

namespace GenResilience.Tests.Resilience;

public class RequestBodyTests
{
    private const string Path = "/api/v1/generations";

    private static byte[] Image() => [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 % 251))];

    private static async Task<HttpResponseMessage> SendWithOneRetryAsync(PipelineHarness h, HttpRequestMessage request)
    {
        Task<HttpResponseMessage> call = h.Client.SendAsync(request);
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        h.Time.Advance(TimeSpan.FromSeconds(5));
        return await call.Bounded();
    }

    [Fact]
    public async Task SendAsync_MultipartWithFilePart_IsResentIntact()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Status(503), SimulatedResponse.Ok());
        byte[] image = Image();
        var form = new MultipartFormDataContent
        {
            { new StringContent("fal-ai/flux-pro/v1.1-ultra"), "model_id" },
            { new StringContent("a red fox"), "prompt" },
            { new StreamContent(new MemoryStream(image)), "reference_image", "fox.png" },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = form };

        using HttpResponseMessage response = await SendWithOneRetryAsync(h, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        SimulatedRequest first = h.Simulator.Requests[0];
        SimulatedRequest second = h.Simulator.Requests[1];
        Assert.True(first.Body.Count > image.Length);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(first.Headers["Content-Type"], second.Headers["Content-Type"]);
        Assert.Contains("a red fox", second.BodyText, StringComparison.Ordinal);
        Assert.True(Contains(second.Body, image), "the file part was not re-sent whole");
    }

    [Fact]
    public async Task SendAsync_JsonBody_IsResentIntact()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.CloudflareError(522), SimulatedResponse.Ok());

        using HttpResponseMessage response = await SendWithOneRetryAsync(h, PipelineHarness.Post(Path));

        Assert.Equal(["{\"text\":\"a red fox\"}", "{\"text\":\"a red fox\"}"], h.Simulator.Requests.Select(r => r.BodyText));
    }

    [Fact]
    public async Task SendAsync_StreamThatCannotRewind_FailsClearlyInsteadOfSendingAnEmptyBody()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Status(503), SimulatedResponse.Ok());
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StreamContent(new ForwardOnlyStream(Image())) };
        request.SetOperationName("upload");

        Task<HttpResponseMessage> call = h.Client.SendAsync(request);
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        h.Time.Advance(TimeSpan.FromSeconds(5));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => call.Bounded());
        Assert.Equal(GenerationErrorKind.InvalidRequest, error.Kind);
        Assert.Contains("cannot be rewound", error.Message, StringComparison.Ordinal);
        Assert.Contains("SetContentFactory", error.Message, StringComparison.Ordinal);
        Assert.Equal(503, error.StatusCode);
        Assert.Equal(1, error.Attempts);
        SimulatedRequest only = Assert.Single(h.Simulator.Requests);
        Assert.Equal(4096, only.Body.Count);
        Assert.Single(h.Warnings("RetryingAfterFailure"));
    }

    [Fact]
    public async Task SendAsync_ContentFactory_BuildsFreshContentForEveryAttempt()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Status(503), SimulatedResponse.Ok());
        byte[] image = Image();
        int opened = 0;
        var request = new HttpRequestMessage(HttpMethod.Post, Path);
        request.SetContentFactory(() =>
        {
            opened++;
            return new MultipartFormDataContent("fixed-boundary")
            {
                { new StringContent("a red fox"), "prompt" },
                { new StreamContent(new ForwardOnlyStream(image)), "reference_image", "fox.png" },
            };
        });

        using HttpResponseMessage response = await SendWithOneRetryAsync(h, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, opened);
        Assert.Equal(h.Simulator.Requests[0].Body, h.Simulator.Requests[1].Body);
        Assert.True(Contains(h.Simulator.Requests[1].Body, image));
    }

    private static bool Contains(IReadOnlyList<byte> haystack, byte[] needle)
    {
        byte[] bytes = [.. haystack];
        return bytes.AsSpan().IndexOf(needle) >= 0;
    }

    /// <summary>A stream that reads once, like a network or pipe stream.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Length => throw new NotSupportedException();
    }

    [Fact]
    public async Task SendAsync_ContentFactoryThrowsAfterA503_IsFinalAndNotLoggedAsAServerError()
    {
        using var h = PipelineHarness.Create();
        h.Simulator.On(HttpMethod.Post, Path).Reply(SimulatedResponse.Status(503), SimulatedResponse.Ok());
        int built = 0;
        var request = new HttpRequestMessage(HttpMethod.Post, Path);
        request.SetContentFactory(() => ++built == 1 ? new ByteArrayContent(Image()) : throw new FileNotFoundException("reference.png is gone"));

        Task<HttpResponseMessage> call = h.Client.SendAsync(request);
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        h.Time.Advance(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<FileNotFoundException>(() => call.Bounded());
        Assert.Single(h.Simulator.Requests);
        Assert.Single(h.Warnings("RetryingAfterFailure"));
        Assert.DoesNotContain(TimeSpan.FromSeconds(15), h.Time.PendingDueTimes);
    }
}
