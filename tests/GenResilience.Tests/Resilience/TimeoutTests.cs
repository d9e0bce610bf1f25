using System.Net;
using GenResilience.Tests.Helpers;
using Microsoft.Extensions.DependencyInjection;

namespace GenResilience.Tests.Resilience;

public class TimeoutTests
{
    private const string Path = "/models/v2/ali-vilab/text-to-video-ms-1.7b";

    private static PipelineHarness Create(ScriptedHandler handler, Action<GenerationResilienceOptions>? configure = null)
        => PipelineHarness.Create(configure, client => client.ConfigurePrimaryHttpMessageHandler(() => handler));

    [Fact]
    public void CreateClient_HttpClientTimeout_IsInfiniteSoThePipelineOwnsTimeouts()
    {
        using var h = PipelineHarness.Create();

        Assert.Equal(Timeout.InfiniteTimeSpan, h.Client.Timeout);
    }

    [Fact]
    public async Task SendAsync_AttemptTimesOutAfter60Seconds_IsRetriedLikeAServerError()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Hang, 200);
        using var h = Create(handler);

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path, "video"));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(60));
        h.Time.Advance(TimeSpan.FromSeconds(60));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        h.Time.Advance(TimeSpan.FromSeconds(5));

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, handler.Calls);
        Assert.Equal(["Bytez video: attempt timed out after 1m, retrying in 5s (attempt 1/3)"], h.Warnings("RetryingAfterFailure"));
    }

    [Fact]
    public async Task SendAsync_PerRequestAttemptTimeout_Allows180SecondCallOnA60SecondClient()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Hang, 200);
        using var h = Create(handler);
        HttpRequestMessage request = PipelineHarness.Post(Path, "video");
        request.SetAttemptTimeout(TimeSpan.FromSeconds(180));

        Task<HttpResponseMessage> call = h.Client.SendAsync(request);
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(180));
        h.Time.Advance(TimeSpan.FromSeconds(179));
        Assert.Equal(1, handler.Calls);
        Assert.False(call.IsCompleted);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        h.Time.Advance(TimeSpan.FromSeconds(5));

        using HttpResponseMessage response = await call.Bounded();
        Assert.Equal(2, handler.Calls);
    }

    [Fact]
    public async Task SendAsync_EveryAttemptTimesOut_ThrowsTimeoutWithAttempts()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Hang);
        using var h = Create(handler, o => o.AttemptTimeout = TimeSpan.FromSeconds(10));

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path, "video"));
        foreach (int delay in new[] { 5, 15, 30 })
        {
            await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(10));
            h.Time.Advance(TimeSpan.FromSeconds(10));
            await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(delay));
            h.Time.Advance(TimeSpan.FromSeconds(delay));
        }

        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(10));
        h.Time.Advance(TimeSpan.FromSeconds(10));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => call.Bounded());
        Assert.Equal(GenerationErrorKind.Timeout, error.Kind);
        Assert.Equal(4, error.Attempts);
        Assert.Equal("video", error.Operation);
        Assert.Contains("AttemptTimeout", error.Message, StringComparison.Ordinal);
        Assert.Equal("This is taking longer than usual. Please try again in a moment.", error.UserMessage);
        Assert.Equal(4, handler.Calls);
    }

    [Fact]
    public async Task SendAsync_TotalTimeoutPasses_ThrowsTimeoutNamingTotalTimeout()
    {
        var handler = new ScriptedHandler(503);
        using var h = Create(handler, o =>
        {
            o.TotalTimeout = TimeSpan.FromSeconds(12);
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
        });

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(15));
        h.Time.Advance(TimeSpan.FromSeconds(7));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => call.Bounded());
        Assert.Equal(GenerationErrorKind.Timeout, error.Kind);
        Assert.Contains("total timeout of 12s", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Attempts);
        Assert.Equal(503, error.StatusCode);
    }

    [Fact]
    public async Task SendAsync_PerRequestTotalTimeout_OverridesOptions()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Hang);
        using var h = Create(handler);
        HttpRequestMessage request = PipelineHarness.Post(Path);
        request.SetTotalTimeout(TimeSpan.FromSeconds(3));

        Task<HttpResponseMessage> call = h.Client.SendAsync(request);
        await h.Time.WaitForTimerAsync(TimeSpan.FromSeconds(3));
        h.Time.Advance(TimeSpan.FromSeconds(3));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => call.Bounded());
        Assert.Equal(GenerationErrorKind.Timeout, error.Kind);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public void SetAttemptTimeout_ZeroOrNegative_Throws()
    {
        using var request = new HttpRequestMessage();

        Assert.Throws<ArgumentOutOfRangeException>(() => request.SetAttemptTimeout(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => request.SetTotalTimeout(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public async Task SendAsync_BodyStallsAfterHeaders_FailsWithTimeoutAtTheDefaultTotalTimeout()
    {
        var handler = new LambdaHandler((request, call, ct) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new StreamContent(new StallingStream()),
        }));
        using var h = PipelineHarness.Create(client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));

        Task<HttpResponseMessage> call = h.Client.SendAsync(PipelineHarness.Post(Path));
        TimeSpan bound = await h.Time.WaitForTimerAsync(d => d > TimeSpan.FromMinutes(14));
        h.Time.Advance(bound);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => call.Bounded());
        Assert.Equal(GenerationErrorKind.Timeout, error.Kind);
        Assert.Contains("response body", error.Message, StringComparison.Ordinal);
        Assert.Contains("TotalTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsStringAsync_BodyReadLateStalls_FailsAtTheRequestsDeadlineNotAFullTotalTimeoutLater()
    {
        var handler = new LambdaHandler((request, call, ct) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new StreamContent(new StallingStream()),
        }));
        using var h = PipelineHarness.Create(client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));

        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path), HttpCompletionOption.ResponseHeadersRead).Bounded();
        h.Time.Advance(TimeSpan.FromMinutes(10));
        Task<string> body = response.Content.ReadAsStringAsync();

        // The request's 15 minutes began when it was sent: 5 are left when its body starts to be read.
        TimeSpan left = await h.Time.WaitForTimerAsync(d => d > TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromMinutes(5), left);
        h.Time.Advance(left);

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => body.Bounded());
        Assert.Equal(GenerationErrorKind.Timeout, error.Kind);
        Assert.Contains("response body", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsStringAsync_CallerCancelsAStalledBody_IsCancelledNotATimeout()
    {
        var handler = new LambdaHandler((request, call, ct) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new StreamContent(new StallingStream()),
        }));
        using var h = PipelineHarness.Create(client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));
        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path), HttpCompletionOption.ResponseHeadersRead).Bounded();
        using var cancel = new CancellationTokenSource();

        Task<string> body = response.Content.ReadAsStringAsync(cancel.Token);
        await h.Time.WaitForTimerAsync(d => d > TimeSpan.Zero);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => body.Bounded());
    }

    [Fact]
    public async Task ReadAsStreamAsync_BodyStallsPastTheDeadline_ReadFailsWithTimeout()
    {
        var handler = new LambdaHandler((request, call, ct) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new StreamContent(new StallingStream()),
        }));
        using var h = PipelineHarness.Create(client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));
        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path), HttpCompletionOption.ResponseHeadersRead).Bounded();
        h.Time.Advance(TimeSpan.FromMinutes(10));
        await using Stream body = await response.Content.ReadAsStreamAsync().Bounded();

        Task<int> read = body.ReadAsync(new byte[16]).AsTask();
        TimeSpan left = await h.Time.WaitForTimerAsync(d => d > TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromMinutes(5), left);
        h.Time.Advance(left - TimeSpan.FromTicks(1));
        Assert.False(read.IsCompleted);
        h.Time.Advance(TimeSpan.FromTicks(1));

        GenerationException error = await Assert.ThrowsAsync<GenerationException>(() => read.Bounded());
        Assert.Equal(GenerationErrorKind.Timeout, error.Kind);
        Assert.Contains("response body", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsStreamAsync_CallerCancelsAStalledRead_IsCancelledNotATimeout()
    {
        var handler = new LambdaHandler((request, call, ct) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new StreamContent(new StallingStream()),
        }));
        using var h = PipelineHarness.Create(client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));
        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path), HttpCompletionOption.ResponseHeadersRead).Bounded();
        await using Stream body = await response.Content.ReadAsStreamAsync().Bounded();
        using var cancel = new CancellationTokenSource();

        Task<int> read = body.ReadAsync(new byte[16], 0, 16, cancel.Token);
        await h.Time.WaitForTimerAsync(d => d > TimeSpan.Zero);
        await cancel.CancelAsync();

        Exception error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.Bounded());
        Assert.IsNotType<GenerationException>(error);
    }

    [Fact]
    public async Task ReadAsStreamAsync_BodyInTime_ReadsEveryByteWithTheServersHeaders()
    {
        byte[] payload = [.. Enumerable.Range(0, 50_000).Select(i => (byte)i)];
        var handler = new LambdaHandler((request, call, ct) =>
        {
            var content = new StreamContent(new MemoryStream(payload));
            content.Headers.ContentLength = payload.Length;
            content.Headers.ContentType = new("video/mp4");
            content.Headers.ContentLanguage.Add("en");
            content.Headers.ContentLanguage.Add("de");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = content });
        });
        using var h = PipelineHarness.Create(client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));
        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path), HttpCompletionOption.ResponseHeadersRead).Bounded();

        await using Stream body = await response.Content.ReadAsStreamAsync().Bounded();
        using var copy = new MemoryStream();
        var buffer = new byte[4096];
        int read = await body.ReadAsync(buffer).AsTask().Bounded();
        copy.Write(buffer, 0, read);
        while ((read = body.Read(buffer, 0, buffer.Length)) > 0)
        {
            copy.Write(buffer, 0, read);
        }

        Assert.Equal(payload, copy.ToArray());
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["en", "de"], response.Content.Headers.ContentLanguage);
        Assert.Equal(payload.Length, response.Content.Headers.ContentLength);
        Assert.False(body.CanSeek);
        Assert.False(body.CanWrite);
    }

    [Fact]
    public async Task Read_SynchronouslyAfterTheDeadline_FailsWithTimeout()
    {
        var handler = new LambdaHandler((request, call, ct) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new StreamContent(new MemoryStream(new byte[1024])),
        }));
        using var h = PipelineHarness.Create(client: b => b.ConfigurePrimaryHttpMessageHandler(() => handler));
        using HttpResponseMessage response = await h.Client.SendAsync(PipelineHarness.Post(Path), HttpCompletionOption.ResponseHeadersRead).Bounded();
        await using Stream body = await response.Content.ReadAsStreamAsync().Bounded();
        var buffer = new byte[16];
        Assert.Equal(16, body.Read(buffer, 0, buffer.Length));

        h.Time.Advance(TimeSpan.FromMinutes(15));

        GenerationException error = Assert.Throws<GenerationException>(() => body.Read(buffer, 0, buffer.Length));
        Assert.Equal(GenerationErrorKind.Timeout, error.Kind);
    }

    /// <summary>A body whose bytes never come: every read waits until it is cancelled.</summary>
    private sealed class StallingStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
