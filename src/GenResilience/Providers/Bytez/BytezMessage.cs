namespace GenResilience;

/// <summary>
/// One message of a chat conversation sent to a Bytez chat model (<see cref="BytezRequest.Messages"/>).
/// </summary>
/// <param name="Role">Who speaks: <c>system</c>, <c>user</c> or <c>assistant</c>.</param>
/// <param name="Content">What they say.</param>
public sealed record BytezMessage(string Role, string Content);
