using System.Net;

namespace GenResilience.Tests.Helpers;

/// <summary>
/// A primary handler for timeout tests: each call either hangs until it is cancelled or answers with a status.
/// </summary>
public sealed class ScriptedHandler(params int[] script) : HttpMessageHandler
{
    public const int Hang = 0;

    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        int call = Interlocked.Increment(ref _calls);
        int status = script[Math.Min(call, script.Length) - 1];
        if (status == Hang)
        {
            var never = new TaskCompletionSource();
            await using CancellationTokenRegistration registration = cancellationToken.Register(() => never.TrySetCanceled(cancellationToken));
            await never.Task;
        }

        return new HttpResponseMessage((HttpStatusCode)status) { RequestMessage = request, Content = new StringContent("{}") };
    }
}
