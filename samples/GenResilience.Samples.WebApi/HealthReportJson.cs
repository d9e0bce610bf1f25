using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GenResilience.Samples.WebApi;

/// <summary>
/// Writes <c>/health</c> as JSON: the overall status, and each check (<c>genresilience-useapi</c>, ...) with its
/// status, reason and data (each key's state by fingerprint, never a key).
/// </summary>
internal static class HealthReportJson
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteString("totalDuration", report.TotalDuration.ToString("c", CultureInfo.InvariantCulture));
        json.WriteStartObject("entries");
        foreach ((string name, HealthReportEntry entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", entry.Description);
            json.WriteStartObject("data");
            foreach ((string key, object value) in entry.Data)
            {
                switch (value)
                {
                    case bool flag:
                        json.WriteBoolean(key, flag);
                        break;
                    case int or long or double or decimal:
                        json.WritePropertyName(key);
                        json.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!);
                        break;
                    default:
                        json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                        break;
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}
