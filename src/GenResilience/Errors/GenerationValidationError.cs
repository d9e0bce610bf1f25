namespace GenResilience;

/// <summary>
/// One field-level problem reported by the service in a 400 or 422 response.
/// </summary>
/// <param name="Field">The field the service complained about, for example <c>prompt</c> or <c>parameters.width</c>; empty when the service did not name one.</param>
/// <param name="Message">The service's own description of the problem.</param>
public sealed record GenerationValidationError(string Field, string Message);
