using System.Buffers;
using System.Net.Http.Headers;
using System.Text;

namespace GenResilience.Errors.Internal;

/// <summary>
/// Reads the start of an error body as text, leaving the body whole for whoever reads it next.
/// </summary>
internal static class ErrorBodyReader
{
    /// <summary>
    /// How much of a body is read: far more than any error message a person reads, and small enough that neither the
    /// buffer nor the text lands on the large-object heap, however long the body.
    /// </summary>
    public const int MaxBytes = 32 * 1024;

    /// <summary>Reads up to <see cref="MaxBytes"/> of the body and decodes them. Never throws for an unreadable body.</summary>
    /// <returns>The text, and whether the body may go on past it.</returns>
    public static async Task<(string Text, bool Truncated)> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content is PrefixedContent earlier)
        {
            // Read by an earlier call: its prefix is exactly what this call would read.
            return (Decode(earlier.Prefix, earlier.Headers, truncated: !earlier.IsWholeBody), !earlier.IsWholeBody);
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(MaxBytes);
        try
        {
            (int read, bool ended) = await ReadPrefixAsync(response, buffer, cancellationToken).ConfigureAwait(false);
            return (Decode(buffer.AsSpan(0, read), response.Content.Headers, truncated: !ended), !ended);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<(int Read, bool Ended)> ReadPrefixAsync(HttpResponseMessage response, byte[] buffer, CancellationToken cancellationToken)
    {
        HttpContent content = response.Content;
        Stream stream;
        try
        {
            // Buffered content (the default for HttpClient.SendAsync) hands out a MemoryStream, which is rewound below.
            stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            // The body is a nicety; the status alone still makes a useful error.
            return (0, true);
        }

        bool seekable = stream.CanSeek;
        long start = seekable ? stream.Position : 0;
        int read = 0;
        bool ended = false;
        try
        {
            while (read < MaxBytes)
            {
                int n = await stream.ReadAsync(buffer.AsMemory(read, MaxBytes - read), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    ended = true;
                    break;
                }

                read += n;
            }
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            // What was read still explains the failure; the next reader of the body meets the same fault.
        }
        finally
        {
            if (seekable)
            {
                Rewind(stream, start);
            }
            else if (read > 0)
            {
                // The stream can be read only once: give the response a body that replays what was taken from it.
                response.Content = new PrefixedContent(content, buffer.AsSpan(0, read).ToArray(), ended ? null : stream);
            }
        }

        return (read, ended);
    }

    private static void Rewind(Stream stream, long position)
    {
        try
        {
            stream.Position = position;
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            // A stream that breaks while being rewound was broken for the next reader anyway.
        }
    }

    private static bool IsUnreadable(Exception e)
        => e is HttpRequestException or IOException or ObjectDisposedException or InvalidOperationException or NotSupportedException;

    /// <summary>
    /// Decodes as a browser does: a byte order mark wins, then the <c>Content-Type</c> charset, then UTF-8.
    /// </summary>
    private static string Decode(ReadOnlySpan<byte> bytes, HttpContentHeaders headers, bool truncated)
    {
        Encoding encoding = FromByteOrderMark(bytes, out int bomLength) ?? FromCharset(headers.ContentType?.CharSet) ?? Encoding.UTF8;
        bytes = bytes[bomLength..];
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        // Without a flush, a character cut by the read limit is left out rather than shown as '�'.
        Decoder decoder = encoding.GetDecoder();
        char[] chars = ArrayPool<char>.Shared.Rent(decoder.GetCharCount(bytes, flush: !truncated));
        try
        {
            int count = decoder.GetChars(bytes, chars, flush: !truncated);
            return new string(chars, 0, count);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static Encoding? FromByteOrderMark(ReadOnlySpan<byte> bytes, out int length)
    {
        (Encoding? encoding, length) = bytes switch
        {
            [0xEF, 0xBB, 0xBF, ..] => (Encoding.UTF8, 3),
            [0xFF, 0xFE, ..] => (Encoding.Unicode, 2),
            [0xFE, 0xFF, ..] => (Encoding.BigEndianUnicode, 2),
            _ => ((Encoding?)null, 0),
        };
        return encoding;
    }

    private static Encoding? FromCharset(string? charset)
    {
        string? name = charset?.Trim().Trim('"', '\'');
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // A charset this runtime does not know (windows-1252 without the code-pages provider, say): most error
            // text is ASCII, which UTF-8 reads the same.
            return null;
        }
    }
}
