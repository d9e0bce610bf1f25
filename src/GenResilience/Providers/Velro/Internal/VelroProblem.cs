namespace GenResilience.Providers.Velro.Internal;

/// <summary>One reason a request cannot succeed, found before sending: the field, the developer's text and the end user's.</summary>
internal sealed record VelroProblem(string Field, string Message, string UserMessage)
{
    public GenerationValidationError ToValidationError() => new(Field, Message);
}
