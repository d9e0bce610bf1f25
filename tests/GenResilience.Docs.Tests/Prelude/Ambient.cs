// Fragments only: the variables and types a fragment may use without declaring them. A fragment's statements are the
// body of an async method of a class that derives from DocSnippet, and its member declarations (a [Fact] method, a
// helper class) are members of that class; a local of the same name hides the field. Keep this list short and
// documented in CONTRIBUTING.md ("Code in the docs").
#pragma warning disable CS0649, CS0169, CS8618 // assigned by nobody: the snippets are compiled, never run

/// <summary>What a fragment finds in scope.</summary>
public abstract class DocSnippet
{
    // The app being set up.
    protected string[] args = [];
    protected WebApplicationBuilder builder;              // Services, Configuration, Environment, Logging
    protected IServiceCollection services;                // builder.Services
    protected IConfiguration configuration;               // builder.Configuration
    protected WebApplication app;                         // builder.Build()
    protected IHost host;
    protected IServiceProvider provider;

    // Inside a class of the app, from its constructor or a method's parameters.
    protected CancellationToken cancellationToken;
    protected HttpClient http;                            // a client with the GenResilience pipeline
    protected HttpRequestMessage request;
    protected IHttpClientFactory httpClientFactory;
    protected ILogger logger;
    protected ILoggerFactory loggerFactory;
    protected IMeterFactory meterFactory;
    protected TimeProvider timeProvider;

    // The provider clients (AddGenerationClients) and the generators (GenResilience.AI).
    protected IBytezClient bytezClient;
    protected IUseApiClient useApiClient;
    protected IVelroClient velroClient;
    protected IImageGenerator images;
    protected IVideoGenerator videos;
}

/// <summary>The app's entry point class, as top-level statements make it (for ILogger&lt;Program&gt;).</summary>
public partial class Program;

/// <summary>An app's own typed client for an image API (services.AddHttpClient&lt;ImageClient&gt;()).</summary>
public sealed class ImageClient(HttpClient http)
{
    public HttpClient Http { get; } = http;
}

/// <summary>An app's own typed client for a video API (services.AddHttpClient&lt;VideoClient&gt;()).</summary>
public sealed class VideoClient(HttpClient http)
{
    public HttpClient Http { get; } = http;
}
