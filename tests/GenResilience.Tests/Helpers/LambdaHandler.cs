namespace GenResilience.Tests.Helpers;

/// <summary>A primary handler whose every call is answered by a function of the call number (from 1).</summary>
public sealed class LambdaHandler(Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => answer(request, Interlocked.Increment(ref _calls), cancellationToken);

    public static Task<HttpResponseMessage> Status(HttpRequestMessage request, int status)
        => Task.FromResult(new HttpResponseMessage((System.Net.HttpStatusCode)status) { RequestMessage = request, Content = new StringContent("{}") });
}
