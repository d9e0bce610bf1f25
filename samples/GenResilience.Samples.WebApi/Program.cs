// An ASP.NET Core API in front of the provider clients. Every failure is a GenerationException, turned into problem
// details by GenerationProblems (status by Kind, kind, userMessage, Retry-After). Providers without keys run on their
// simulators.
//
//   dotnet run --project samples/GenResilience.Samples.WebApi
//   curl -X POST localhost:5000/images/bytez -H 'content-type: application/json' -d '{"prompt":"a red fox"}'
//   curl -X POST localhost:5000/images/velro -H 'content-type: application/json' -d '{"prompt":"a red fox","model":"gpt-4o-mini"}'
//   curl localhost:5000/health
using GenResilience;
using GenResilience.Samples;
using GenResilience.Samples.WebApi;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);

// Owned by the container (created by a factory), so they stop with the app.
SimulatedProviders simulators = SimulatedProviders.Start(builder.Configuration);
builder.Services.AddSingleton(_ => simulators);

builder.Services.AddGenerationClients();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<GenerationProblems>();

// /health: ASP.NET Core's health checks, with GenResilience's per-provider checks (genresilience-useapi, -bytez,
// -velro: usable keys, circuits, emergency mode) chained on, reported as JSON.
builder.Services.AddHealthChecks().AddGenerationClientsHealthChecks();

WebApplication app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthReportJson.WriteAsync });

app.MapPost("/images/bytez", async (GenerationRequest request, IBytezClient bytez, CancellationToken cancellationToken) =>
{
    if (Validate(request) is { } invalid)
    {
        return invalid;
    }

    string model = request.Model ?? "stabilityai/stable-diffusion-xl-base-1.0";
    string image = await bytez.GenerateImageAsync(model, request.Prompt!, cancellationToken: cancellationToken);
    return TypedResults.Ok(new ImageResponse("Bytez", model, [image]));
});

app.MapPost("/images/velro", async (GenerationRequest request, IVelroClient velro, CancellationToken cancellationToken) =>
{
    if (Validate(request) is { } invalid)
    {
        return invalid;
    }

    var generation = new VelroGenerationRequest(request.Model ?? "fal-ai/flux-pro/v1.1-ultra", request.Prompt!);
    VelroGeneration done = await velro.GenerateAsync(generation, progress: null, cancellationToken);
    return TypedResults.Ok(new ImageResponse("Velro", generation.ModelId, done.OutputUrls));
});

app.MapPost("/videos/useapi", async (GenerationRequest request, IUseApiClient useApi, CancellationToken cancellationToken) =>
{
    if (Validate(request) is { } invalid)
    {
        return invalid;
    }

    if (!UseApiModel.TryParse(request.Model ?? "ltxv-turbo", out UseApiModel? model))
    {
        return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["model"] = [$"Not a UseAPI model. Accepted: {string.Join(", ", UseApiModel.All.Select(m => m.WireName))}."] });
    }

    UseApiVideoResult video = await useApi.GenerateVideoAsync(new UseApiVideoRequest { Prompt = request.Prompt!, Model = model }, progress: null, cancellationToken);
    return TypedResults.Ok(new VideoResponse("UseApi", video.Model.WireName, video.AssetUrl.ToString(), video.UsedFallback, video.Warnings));
});

app.Run();

static IResult? Validate(GenerationRequest request)
    => string.IsNullOrWhiteSpace(request.Prompt)
        ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["prompt"] = ["Please enter a prompt."] })
        : null;

/// <summary>The entry point, visible to the tests' <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
