namespace GenResilience.Providers.Velro.Internal;

/// <summary>
/// The create request's body: always <c>multipart/form-data</c> (Velro reads form fields only and answers a JSON body
/// with 422 "Field required"), built afresh for every attempt so the reference image is re-opened, never buffered.
/// </summary>
internal static class VelroForm
{
    /// <summary>
    /// A factory for the form. The request's values are taken now, so every attempt sends the same form even if the
    /// caller changes the request meanwhile.
    /// </summary>
    public static Func<HttpContent> Factory(VelroGenerationRequest request, string? parametersJson)
    {
        List<KeyValuePair<string, string>> fields =
        [
            new("model_id", request.ModelId),
            new("prompt", request.Prompt),
        ];
        Add(fields, "negative_prompt", request.NegativePrompt);
        Add(fields, "reference_image_url", request.ReferenceImageUrl);
        Add(fields, "project_id", request.ProjectId);
        Add(fields, "parameters", parametersJson);
        VelroReferenceImage? image = request.ReferenceImage;

        return () =>
        {
            var form = new MultipartFormDataContent();
            foreach (KeyValuePair<string, string> field in fields)
            {
                form.Add(new StringContent(field.Value), field.Key);
            }

            if (image is not null)
            {
                form.Add(image.CreateContent(), "reference_image", image.FileName);
            }

            return form;
        };
    }

    /// <summary>A form that the create endpoint must refuse without generating anything: a model no registry holds.</summary>
    public static MultipartFormDataContent DryRun() => new()
    {
        { new StringContent(VelroConstants.DryRunModelId), "model_id" },
        { new StringContent("GenResilience diagnosis: a dry run that generates nothing"), "prompt" },
        { new StringContent("{}"), "parameters" },
    };

    private static void Add(List<KeyValuePair<string, string>> fields, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            fields.Add(new(name, value));
        }
    }
}
