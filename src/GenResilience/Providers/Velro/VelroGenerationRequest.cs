namespace GenResilience;

/// <summary>
/// A generation to create with <see cref="IVelroClient.CreateGenerationAsync"/> or <see cref="IVelroClient.GenerateAsync"/>.
/// It is always sent as <c>multipart/form-data</c>: <c>model_id</c>, <c>prompt</c>, the optional fields that are set,
/// <c>parameters</c> (a JSON string built from the typed parameters and <see cref="Parameters"/>, sent when there is at
/// least one) and the <c>reference_image</c> file part.
/// </summary>
/// <remarks>
/// Checked before anything is sent: the prompt is not empty, the model is in Velro's registry, image parameters go to an
/// image model and video parameters to a video model (within the values the registry allows), the reference image is
/// an image of at most 20 MB, and the account has the model's credits.
/// </remarks>
public sealed class VelroGenerationRequest
{
    /// <summary>Initializes a new instance of the <see cref="VelroGenerationRequest"/> class.</summary>
    public VelroGenerationRequest()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VelroGenerationRequest"/> class for a model and a prompt.</summary>
    /// <param name="modelId">A model id of the registry, for example <c>fal-ai/flux-pro/v1.1-ultra</c>.</param>
    /// <param name="prompt">What to generate.</param>
    public VelroGenerationRequest(string modelId, string prompt)
    {
        ModelId = modelId;
        Prompt = prompt;
    }

    /// <summary>Gets or sets the model (<c>model_id</c>): one of <see cref="IVelroClient.GetSupportedModelsAsync"/>.</summary>
    public string ModelId { get; set; } = string.Empty;

    /// <summary>Gets or sets what to generate (<c>prompt</c>); must not be empty.</summary>
    public string Prompt { get; set; } = string.Empty;

    /// <summary>Gets or sets what to avoid (<c>negative_prompt</c>).</summary>
    public string? NegativePrompt { get; set; }

    /// <summary>Gets or sets the address of a reference image (<c>reference_image_url</c>); an absolute http or https address.</summary>
    public string? ReferenceImageUrl { get; set; }

    /// <summary>Gets or sets a reference image to upload (the <c>reference_image</c> file part): an image of at most 20 MB.</summary>
    public VelroReferenceImage? ReferenceImage { get; set; }

    /// <summary>Gets or sets the project the generation belongs to (<c>project_id</c>).</summary>
    public string? ProjectId { get; set; }

    /// <summary>Gets or sets the image size (<c>image_size</c>), for image models: <c>square_hd</c>, <c>square</c>, <c>portrait_4_3</c>, <c>portrait_16_9</c>, <c>landscape_4_3</c>, <c>landscape_16_9</c>.</summary>
    public string? ImageSize { get; set; }

    /// <summary>Gets or sets how many images to generate (<c>num_images</c>), for image models; at least 1 (the registry's models allow 1 to 4).</summary>
    public int? NumImages { get; set; }

    /// <summary>Gets or sets the image format (<c>output_format</c>), for image models: <c>jpeg</c> or <c>png</c>.</summary>
    public string? OutputFormat { get; set; }

    /// <summary>Gets or sets the video length in seconds (<c>duration</c>), for video models; more than zero (the registry's models allow 1 to 10).</summary>
    public double? Duration { get; set; }

    /// <summary>Gets or sets the video aspect ratio (<c>aspect_ratio</c>), for video models: <c>16:9</c>, <c>9:16</c> or <c>1:1</c>.</summary>
    public string? AspectRatio { get; set; }

    /// <summary>Gets or sets the video quality (<c>quality</c>), for video models, for example <c>medium</c> or <c>high</c>.</summary>
    public string? Quality { get; set; }

    /// <summary>
    /// Gets or sets more entries of the <c>parameters</c> JSON, for settings without a typed property
    /// (<c>guidance_scale</c>, <c>seed</c>, ...). Values are strings, numbers, booleans, arrays of them,
    /// <see cref="System.Text.Json.JsonElement"/>s or dictionaries of them. A name that a typed property also sets is refused.
    /// </summary>
    public IDictionary<string, object> Parameters { get; set; } = new Dictionary<string, object>(StringComparer.Ordinal);
}
