using System.Globalization;
using System.Text.Json;

namespace GenResilience.Providers.Velro.Internal;

/// <summary>
/// The checks that keep a request Velro would refuse from being sent: first what the request alone shows (prompt,
/// parameter values, the reference image), then what the model's registry entry says (image settings for image
/// models, video settings for video models, the values the registry allows).
/// </summary>
internal static class VelroRequestValidator
{
    private const string CheckSettings = "Please check the generation settings.";

    private static readonly TypedParameter[] Typed =
    [
        new(nameof(VelroGenerationRequest.ImageSize), "image_size", VelroModelType.Image, r => r.ImageSize),
        new(nameof(VelroGenerationRequest.NumImages), "num_images", VelroModelType.Image, r => r.NumImages),
        new(nameof(VelroGenerationRequest.OutputFormat), "output_format", VelroModelType.Image, r => r.OutputFormat),
        new(nameof(VelroGenerationRequest.Duration), "duration", VelroModelType.Video, r => r.Duration),
        new(nameof(VelroGenerationRequest.AspectRatio), "aspect_ratio", VelroModelType.Video, r => r.AspectRatio),
        new(nameof(VelroGenerationRequest.Quality), "quality", VelroModelType.Video, r => r.Quality),
    ];

    /// <summary>Checks what the request alone shows and builds the <c>parameters</c> JSON (<see langword="null"/> when there are none).</summary>
    public static string? CheckRequest(VelroGenerationRequest request, List<VelroProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(request.ModelId))
        {
            problems.Add(new("model_id", "ModelId is empty; use an id from GetSupportedModelsAsync(), such as fal-ai/flux-pro/v1.1-ultra.", "Please choose a model."));
        }

        if (string.IsNullOrWhiteSpace(request.Prompt))
        {
            problems.Add(new("prompt", "Prompt is empty; Velro needs a prompt.", "Please enter a prompt."));
        }

        foreach (TypedParameter parameter in Typed)
        {
            if (parameter.Get(request) is string text && string.IsNullOrWhiteSpace(text))
            {
                problems.Add(new(parameter.Field, $"{parameter.Property} is empty; leave it null for the model's default.", CheckSettings));
            }
        }

        if (request.NumImages is { } count && count < 1)
        {
            problems.Add(new("parameters.num_images", string.Create(CultureInfo.InvariantCulture, $"NumImages is {count}; it must be at least 1."), CheckSettings));
        }

        if (request.Duration is { } duration && (!double.IsFinite(duration) || duration <= 0))
        {
            problems.Add(new("parameters.duration", string.Create(CultureInfo.InvariantCulture, $"Duration is {duration}; it must be a number of seconds above zero."), CheckSettings));
        }

        if (request.ReferenceImageUrl is { } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out Uri? address) || address.Scheme is not ("http" or "https")))
        {
            problems.Add(new("reference_image_url", $"ReferenceImageUrl ('{url}') must be an absolute http or https address.", "The reference image address is not valid."));
        }

        if (request.ReferenceImage is { } image)
        {
            CheckReferenceImage(image, problems);
        }

        return BuildParameters(request, problems);
    }

    /// <summary>Checks the parameters against the model's registry entry.</summary>
    public static void CheckAgainstModel(VelroGenerationRequest request, VelroModel model, List<VelroProblem> problems)
    {
        foreach (TypedParameter parameter in Typed)
        {
            if (parameter.Get(request) is not { } value)
            {
                continue;
            }

            if (model.Type != VelroModelType.Unknown && model.Type != parameter.For)
            {
                string kind = parameter.For.ToString().ToLowerInvariant();
                problems.Add(new(
                    parameter.Field,
                    $"{parameter.Property} ({parameter.Name}) is {Article(kind)} {kind} setting, and {model.ModelId} is {Article(TypeName(model.Type))} {TypeName(model.Type)} model; remove it, or choose {Article(kind)} {kind} model.",
                    "This setting does not apply to the selected model."));
                continue;
            }

            if (model.Parameters.TryGetValue(parameter.Name, out VelroModelParameter? rules))
            {
                CheckValue(parameter, value, rules, model, problems);
            }
        }
    }

    private static void CheckValue(TypedParameter parameter, object value, VelroModelParameter rules, VelroModel model, List<VelroProblem> problems)
    {
        const string UserMessage = "This setting has a value the selected model does not support.";
        if (value is string text)
        {
            string[] allowed = [.. rules.AllowedValues.Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)];
            if (allowed.Length > 0 && !allowed.Contains(text, StringComparer.Ordinal))
            {
                problems.Add(new(parameter.Field, $"{parameter.Property} '{text}' is not a value {model.ModelId} takes; it takes {string.Join(", ", allowed)}.", UserMessage));
            }

            return;
        }

        double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        if ((rules.Minimum is { } min && number < min) || (rules.Maximum is { } max && number > max))
        {
            string range = (rules.Minimum, rules.Maximum) switch
            {
                ({ } lo, { } hi) => string.Create(CultureInfo.InvariantCulture, $"from {lo} to {hi}"),
                ({ } lo, null) => string.Create(CultureInfo.InvariantCulture, $"at least {lo}"),
                (null, { } hi) => string.Create(CultureInfo.InvariantCulture, $"at most {hi}"),
                _ => "another value",
            };
            problems.Add(new(parameter.Field, string.Create(CultureInfo.InvariantCulture, $"{parameter.Property} is {number}; {model.ModelId} takes {range}."), UserMessage));
        }
    }

    private static void CheckReferenceImage(VelroReferenceImage image, List<VelroProblem> problems)
    {
        if (!image.ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
            || !System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(image.ContentType, out _))
        {
            problems.Add(new("reference_image", $"ReferenceImage '{image.FileName}' is {image.ContentType}; Velro accepts image files only (image/*).", "The reference file must be an image."));
            return;
        }

        long? length = image.GetLength(out string? problem);
        if (problem is not null)
        {
            problems.Add(new("reference_image", $"ReferenceImage cannot be sent: {problem}.", "The reference image could not be read."));
        }
        else if (length > VelroConstants.MaxReferenceImageBytes)
        {
            problems.Add(new(
                "reference_image",
                string.Create(CultureInfo.InvariantCulture, $"ReferenceImage '{image.FileName}' is {length / (1024.0 * 1024):0.0} MB ({length} bytes); Velro accepts at most 20 MB ({VelroConstants.MaxReferenceImageBytes} bytes)."),
                "The reference image is too large; the limit is 20 MB."));
        }
    }

    private static string? BuildParameters(VelroGenerationRequest request, List<VelroProblem> problems)
    {
        Dictionary<string, JsonElement>? more = null;
        foreach (KeyValuePair<string, object> entry in request.Parameters ?? new Dictionary<string, object>())
        {
            if (string.IsNullOrWhiteSpace(entry.Key))
            {
                problems.Add(new("parameters", "Parameters has an entry with an empty name.", CheckSettings));
                continue;
            }

            if (Typed.FirstOrDefault(t => t.Name == entry.Key) is { } typed && typed.Get(request) is not null)
            {
                problems.Add(new("parameters." + entry.Key, $"{entry.Key} is set both by {typed.Property} and in Parameters; set it once.", CheckSettings));
                continue;
            }

            if (ToJson(entry.Value) is { } json)
            {
                (more ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal))[entry.Key] = json;
            }
            else
            {
                problems.Add(new("parameters." + entry.Key, $"Parameters['{entry.Key}'] is a {entry.Value.GetType().Name}, which cannot be written as JSON here; use a string, number, boolean, array, dictionary or JsonElement.", CheckSettings));
            }
        }

        var payload = new VelroParametersPayload
        {
            ImageSize = request.ImageSize,
            NumImages = request.NumImages,
            OutputFormat = request.OutputFormat,
            Duration = request.Duration,
            AspectRatio = request.AspectRatio,
            Quality = request.Quality,
            More = more,
        };
        bool any = more is not null || Typed.Any(t => t.Get(request) is not null);
        return any ? JsonSerializer.Serialize(payload, VelroJsonContext.Default.VelroParametersPayload) : null;
    }

    /// <summary>A free-form value as JSON, through the source-generated context; <see langword="null"/> when it cannot be written.</summary>
    private static JsonElement? ToJson(object? value)
    {
        if (value is null)
        {
            using JsonDocument nothing = JsonDocument.Parse("null");
            return nothing.RootElement.Clone();
        }

        for (Type? type = value.GetType(); type is not null; type = type.BaseType)
        {
            if (VelroJsonContext.Default.GetTypeInfo(type) is not null)
            {
                try
                {
                    return JsonSerializer.SerializeToElement(value, type, VelroJsonContext.Default);
                }
                catch (NotSupportedException)
                {
                    return null;
                }
            }
        }

        return null;
    }

    private static string TypeName(VelroModelType type) => type.ToString().ToLowerInvariant();

    private static string Article(string word) => word.Length > 0 && "aeiou".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";

    private sealed record TypedParameter(string Property, string Name, VelroModelType For, Func<VelroGenerationRequest, object?> Get)
    {
        public string Field => "parameters." + Name;
    }
}
