using GenResilience.Samples.Quickstart;

namespace Microsoft.Extensions.DependencyInjection;

internal static class StoryServiceCollectionExtensions
{
    /// <summary>Adds a story to play after those added before it.</summary>
    public static IServiceCollection AddStory<TStory>(this IServiceCollection services)
        where TStory : class, IStory
        => services.AddSingleton<IStory, TStory>();
}
