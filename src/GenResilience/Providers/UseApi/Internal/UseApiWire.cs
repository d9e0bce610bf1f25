using System.Text.Json;
using System.Text.Json.Serialization;

namespace GenResilience.Providers.UseApi.Internal;

/// <summary>The body of <c>ltx-create</c> and <c>veo-create</c>; what is null is not sent.</summary>
internal sealed class LtxCreateBody
{
    public required string Prompt { get; init; }

    public string? Email { get; init; }

    public required string Model { get; init; }

    public string? Duration { get; init; }

    public string? AspectRatio { get; init; }

    public string? Resolution { get; init; }

    public string? Intensity { get; init; }

    public string? StartAssetId { get; init; }

    public string? EndAssetId { get; init; }

    public long? Seed { get; init; }

    [JsonPropertyName("audioSFX")]
    public bool? AudioSfx { get; init; }

    public required string ReplyRef { get; init; }
}

/// <summary>The body of a Google Flow video create.</summary>
internal sealed class FlowCreateBody
{
    public required string Prompt { get; init; }

    public required string Model { get; init; }

    public string? AspectRatio { get; init; }

    public int? Count { get; init; }

    public long? Seed { get; init; }

    public int? Duration { get; init; }

    public string? Email { get; init; }

    public string? StartImage { get; init; }

    public bool Async { get; init; } = true;

    public required string ReplyRef { get; init; }
}

/// <summary>What a create answers: <c>{"jobId","generationId"}</c> (Flow: <c>jobid</c>, read by the same property: names are case-insensitive).</summary>
internal sealed class CreateResponse
{
    public string? JobId { get; init; }

    public string? GenerationId { get; init; }
}

/// <summary>An LTX Studio asset (a job's status): <c>{"status":{"type","progress","message","artifact":{"assetUrl"}}}</c>.</summary>
internal sealed class AssetStatusResponse
{
    public AssetStatus? Status { get; init; }

    public string? JobId { get; init; }
}

internal sealed class AssetStatus
{
    public string? Type { get; init; }

    public double? Progress { get; init; }

    public string? Message { get; init; }

    public Artifact? Artifact { get; init; }
}

internal sealed class Artifact
{
    public string? AssetUrl { get; init; }
}

/// <summary>What an upload answers: <c>{"assetUrl","asset":{"fileId","type","mimeType"}}</c>.</summary>
internal sealed class UploadResponse
{
    public string? AssetUrl { get; init; }

    public UploadedAsset? Asset { get; init; }
}

internal sealed class UploadedAsset
{
    public string? FileId { get; init; }
}

/// <summary>An account: <c>{"email","balance":{"LTXStudio_token":150}}</c>.</summary>
internal sealed class AccountResponse
{
    public string? Email { get; init; }

    public AccountBalance? Balance { get; init; }
}

internal sealed class AccountBalance
{
    [JsonPropertyName("LTXStudio_token")]
    public double? LtxStudioToken { get; init; }
}

/// <summary>The scheduler: the jobs executing and the free job slots of each account.</summary>
internal sealed class SchedulerResponse
{
    public IReadOnlyList<ExecutingJob>? Executing { get; init; }

    public IReadOnlyList<AccountSlots>? Available { get; init; }
}

internal sealed class ExecutingJob
{
    public string? JobId { get; init; }

    public string? Email { get; init; }

    public string? ReplyRef { get; init; }
}

internal sealed class AccountSlots
{
    public string? Email { get; init; }

    public int? MaxJobs { get; init; }

    public int? Executing { get; init; }

    public int? Available { get; init; }
}

/// <summary>System.Text.Json source generation for every UseAPI body (trim and AOT safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(LtxCreateBody))]
[JsonSerializable(typeof(FlowCreateBody))]
[JsonSerializable(typeof(CreateResponse))]
[JsonSerializable(typeof(AssetStatusResponse))]
[JsonSerializable(typeof(UploadResponse))]
[JsonSerializable(typeof(AccountResponse))]
[JsonSerializable(typeof(SchedulerResponse))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class UseApiJsonContext : JsonSerializerContext;
