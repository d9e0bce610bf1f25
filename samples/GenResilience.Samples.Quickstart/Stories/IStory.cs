namespace GenResilience.Samples.Quickstart;

/// <summary>
/// One story of the quickstart: a few calls through the provider clients, with what happens told as it happens.
/// Register it with <c>services.AddStory&lt;T&gt;()</c> in Program.cs; stories are played in that order.
/// </summary>
internal interface IStory
{
    /// <summary>Gets the story's heading, numbered.</summary>
    string Title { get; }

    /// <summary>
    /// Plays the story. On a simulated provider (<see cref="StoryContext.Simulators"/>) the story scripts the faults
    /// it is about and checks that the calls ended as told (<see cref="StoryContext.Expect"/>); on a real one it makes
    /// the same calls and reports what the service did.
    /// </summary>
    Task RunAsync(StoryContext story);
}
