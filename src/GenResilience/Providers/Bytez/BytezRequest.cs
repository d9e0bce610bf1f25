namespace GenResilience;

/// <summary>
/// The input of one Bytez model run (<see cref="IBytezClient.RunAsync"/>). Which fields a model needs depends on its
/// task: <see cref="Text"/> for text, image and video generation, <see cref="Messages"/> for chat, <see cref="Url"/> or
/// <see cref="Base64"/> for tasks that read an image, audio or video.
/// </summary>
public sealed class BytezRequest
{
    /// <summary>Gets or sets the text input (<c>text</c>): the prompt of a text-to-image or text-to-video model.</summary>
    /// <value>The default is <see langword="null"/>: not sent.</value>
    public string? Text { get; set; }

    /// <summary>Gets or sets the address of an image, audio or video input (<c>url</c>).</summary>
    /// <value>The default is <see langword="null"/>: not sent.</value>
    public string? Url { get; set; }

    /// <summary>Gets or sets an image, audio or video input as base64 (<c>base64</c>); a <see cref="Url"/> makes smaller requests.</summary>
    /// <value>The default is <see langword="null"/>: not sent.</value>
    public string? Base64 { get; set; }

    /// <summary>Gets or sets the conversation for a chat model (<c>messages</c>).</summary>
    /// <value>The default is <see langword="null"/>: not sent.</value>
    public IList<BytezMessage>? Messages { get; set; }

    /// <summary>
    /// Gets or sets the model's parameters (<c>params</c>), such as <c>num_inference_steps</c>. Values may be strings,
    /// numbers, booleans, arrays or dictionaries of these, <see cref="System.Text.Json.JsonElement"/> or
    /// <see cref="System.Text.Json.Nodes.JsonNode"/>.
    /// </summary>
    /// <value>The default is an empty dictionary: not sent.</value>
    public IDictionary<string, object> Params { get; set; } = new Dictionary<string, object>();

    /// <summary>
    /// Gets or sets further top-level input fields (<c>question</c>, <c>context</c>, <c>candidate_labels</c>, ...),
    /// sent beside the ones above. The same value types as <see cref="Params"/>.
    /// </summary>
    /// <value>The default is an empty dictionary.</value>
    public IDictionary<string, object> Inputs { get; set; } = new Dictionary<string, object>();

    /// <summary>
    /// Gets or sets where the run goes in the client's queue when <see cref="BytezClientOptions.MaxConcurrentRequests"/>
    /// runs are in flight: higher priorities start first, first come first served within a priority.
    /// </summary>
    /// <value>The default is <see cref="BytezPriority.Normal"/>.</value>
    public BytezPriority Priority { get; set; } = BytezPriority.Normal;

    /// <summary>
    /// Gets or sets the timeout of each attempt of this run, for a model slower or faster than
    /// <see cref="GenerationResilienceOptions.AttemptTimeout"/> allows.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the client's <see cref="GenerationResilienceOptions.AttemptTimeout"/>.</value>
    public TimeSpan? AttemptTimeout { get; set; }
}
