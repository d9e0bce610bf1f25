using System.Text.Json;

namespace GenResilience.Providers.UseApi.Internal;

/// <summary>
/// Reads a Google Flow job (<c>GET /v1/google-flow/jobs/{jobId}</c>) in both documented shapes:
/// <c>response.operations[]</c> with <c>VIDEO_GENERATION_STATUS_SUCCEEDED</c> and <c>video.uri</c>, and the 2026
/// <c>response.media[]</c> with <c>mediaMetadata.mediaStatus.mediaGenerationStatus = MEDIA_GENERATION_STATUS_SUCCESSFUL</c>.
/// Unknown fields are ignored; a missing one means "not yet".
/// </summary>
internal static class FlowJobReader
{
    public static UseApiJobStatus Read(string jobId, JsonElement job)
    {
        string status = String(job, "status") ?? "unknown";
        int? progress = job.TryGetProperty("progress", out JsonElement p) && p.TryGetDouble(out double value) ? (int)Math.Round(value) : null;
        string? error = String(job, "error") ?? (job.TryGetProperty("error", out JsonElement e) && e.ValueKind == JsonValueKind.Object ? String(e, "message") : null);

        Uri? video = null;
        bool failed = status.Equals("failed", StringComparison.OrdinalIgnoreCase);
        if (job.TryGetProperty("response", out JsonElement response) && response.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonElement operation in Items(response, "operations"))
            {
                string? state = String(operation, "status");
                failed |= state?.Contains("FAIL", StringComparison.OrdinalIgnoreCase) == true;
                if (state == "VIDEO_GENERATION_STATUS_SUCCEEDED" && operation.TryGetProperty("video", out JsonElement v))
                {
                    video ??= FirstUri(v);
                }
            }

            foreach (JsonElement media in Items(response, "media"))
            {
                string? state = media.TryGetProperty("mediaMetadata", out JsonElement metadata)
                    && metadata.TryGetProperty("mediaStatus", out JsonElement mediaStatus)
                    ? String(mediaStatus, "mediaGenerationStatus")
                    : null;
                failed |= state?.Contains("FAIL", StringComparison.OrdinalIgnoreCase) == true;
                if (state == "MEDIA_GENERATION_STATUS_SUCCESSFUL")
                {
                    video ??= FirstUri(media);
                }
            }
        }

        // The job is done when a video is there; say "completed" then, whatever the top-level field lags behind with.
        string reported = failed ? "failed" : video is not null ? "completed" : status;
        return new UseApiJobStatus(jobId, reported, video is not null ? 100 : progress, video, error);
    }

    private static JsonElement[] Items(JsonElement parent, string name)
        => parent.TryGetProperty(name, out JsonElement array) && array.ValueKind == JsonValueKind.Array ? [.. array.EnumerateArray()] : [];

    private static string? String(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The first absolute address under <c>uri</c>, <c>fifeUrl</c> or <c>url</c>, looking into nested objects.</summary>
    private static Uri? FirstUri(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (string name in (string[])["uri", "fifeUrl", "url", "servingBaseUri"])
        {
            if (String(element, name) is { } text && Uri.TryCreate(text, UriKind.Absolute, out Uri? uri))
            {
                return uri;
            }
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (FirstUri(property.Value) is { } nested)
            {
                return nested;
            }
        }

        return null;
    }
}
