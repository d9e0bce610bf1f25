using System.Net.Http.Headers;
using System.Text;

namespace GenResilience.Testing.Internal;

/// <summary>
/// Reads a <c>multipart/form-data</c> body into its parts, as a FastAPI server would, so a simulator can answer like one
/// and a test can see exactly which parts were sent.
/// </summary>
internal static class MultipartForm
{
    public static bool IsMultipart(string? contentType)
        => MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? type)
            && string.Equals(type.MediaType, "multipart/form-data", StringComparison.OrdinalIgnoreCase);

    /// <summary>The parts, in order; empty when the body is not a readable multipart form.</summary>
    public static IReadOnlyList<VelroSimulatedPart> Parse(string? contentType, byte[] body)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? type)
            || !string.Equals(type.MediaType, "multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || type.Parameters.FirstOrDefault(p => string.Equals(p.Name, "boundary", StringComparison.OrdinalIgnoreCase))?.Value is not { Length: > 0 } raw)
        {
            return [];
        }

        byte[] delimiter = Encoding.ASCII.GetBytes("--" + raw.Trim('"'));
        byte[] headerEnd = "\r\n\r\n"u8.ToArray();
        var parts = new List<VelroSimulatedPart>();
        ReadOnlySpan<byte> rest = body;
        int start = rest.IndexOf(delimiter);
        if (start < 0)
        {
            return [];
        }

        rest = rest[(start + delimiter.Length)..];
        while (rest.Length >= 2 && !(rest[0] == '-' && rest[1] == '-'))
        {
            if (rest.StartsWith("\r\n"u8))
            {
                rest = rest[2..];
            }

            int headersLength = rest.IndexOf(headerEnd);
            if (headersLength < 0)
            {
                break;
            }

            string headers = Encoding.UTF8.GetString(rest[..headersLength]);
            rest = rest[(headersLength + headerEnd.Length)..];
            int next = rest.IndexOf(delimiter);
            if (next < 0)
            {
                break;
            }

            // The part's content ends with the line break before the next delimiter.
            int contentLength = next >= 2 && rest[next - 2] == '\r' && rest[next - 1] == '\n' ? next - 2 : next;
            parts.Add(Part(headers, rest[..contentLength].ToArray()));
            rest = rest[(next + delimiter.Length)..];
        }

        return parts;
    }

    private static VelroSimulatedPart Part(string headers, byte[] content)
    {
        string? name = null;
        string? fileName = null;
        string? contentType = null;
        foreach (string line in headers.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            string header = line[..colon].Trim();
            string value = line[(colon + 1)..].Trim();
            if (header.Equals("Content-Disposition", StringComparison.OrdinalIgnoreCase) && ContentDispositionHeaderValue.TryParse(value, out ContentDispositionHeaderValue? disposition))
            {
                name = disposition.Name?.Trim('"');
                fileName = disposition.FileNameStar ?? disposition.FileName?.Trim('"');
            }
            else if (header.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
        }

        return new VelroSimulatedPart(name ?? string.Empty, fileName, contentType, content);
    }
}
