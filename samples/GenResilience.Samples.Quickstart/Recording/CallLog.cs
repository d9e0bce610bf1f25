using System.Globalization;

namespace GenResilience.Samples.Quickstart;

/// <summary>The HTTP requests of one logical call (or of a group of calls), for the summary table.</summary>
internal sealed class CallLog(CallLog? parent = null)
{
    private readonly object _gate = new();
    private readonly List<RecordedRequest> _requests = [];

    /// <summary>Gets or sets what to do when a request of this call is sent (before its answer).</summary>
    public Action<RecordedRequest>? Sending { get; init; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Gets the generation requests sent (creates, runs), retries included; reads are not counted.</summary>
    public int Attempts => Requests.Count(r => r.IsAttempt);

    /// <summary>Gets the keys the call used, by fingerprint, in order, each rejected one with its status: <c>…0001 (403), …0002</c>.</summary>
    public string Keys
    {
        get
        {
            IReadOnlyList<RecordedRequest> requests = Requests;
            List<string> keys = [.. requests.Select(r => r.Key).OfType<string>().Distinct(StringComparer.Ordinal)];
            if (keys.Count == 0)
            {
                return "none";
            }

            return string.Join(", ", keys.Select(key =>
                requests.FirstOrDefault(r => r.Key == key && r.StatusCode is 401 or 402 or 403) is { } rejected
                    ? string.Create(CultureInfo.InvariantCulture, $"{key} ({rejected.StatusCode})")
                    : key));
        }
    }

    /// <summary>How many answers had this status (429, say).</summary>
    public int Count(int statusCode) => Requests.Count(r => r.StatusCode == statusCode);

    public void Sent(RecordedRequest request)
    {
        Sending?.Invoke(request);
        parent?.Sent(request);
    }

    public void Answered(RecordedRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }

        parent?.Answered(request);
    }
}
