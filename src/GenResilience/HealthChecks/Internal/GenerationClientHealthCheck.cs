using System.Globalization;
using GenResilience.DependencyInjection.Internal;
using GenResilience.Keys.Internal;
using GenResilience.Providers.Internal;
using GenResilience.Resilience.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace GenResilience.HealthChecks.Internal;

/// <summary>
/// The health of one provider client, read from what its requests already taught it: the key pool (quarantines,
/// 429 cooldowns, trials after them) and, for UseAPI, the health of each model family. It sends nothing.
/// </summary>
/// <remarks>
/// Unhealthy (the registration's failure status) when nothing can be served without a change: every key quarantined,
/// or every UseAPI model family failing. Degraded when requests are served but not as usual: some keys quarantined,
/// cooling down after a 429 or on trial after a cooldown (a half-open circuit), or a UseAPI family failing (for VEO,
/// the emergency mode). A 429 cooldown of every key is Degraded, not Unhealthy: requests wait and then go, and an
/// Unhealthy instance would be restarted or taken out of rotation for a wait that ends by itself.
/// </remarks>
internal sealed class GenerationClientHealthCheck : IHealthCheck
{
    private readonly IServiceProvider _services;
    private readonly ProviderInfo _provider;

    public GenerationClientHealthCheck(IServiceProvider services, ProviderInfo provider)
    {
        _services = services;
        _provider = provider;
    }

    /// <summary>The check's name: <c>genresilience-useapi</c>, <c>genresilience-bytez</c>, <c>genresilience-velro</c>.</summary>
    public static string NameFor(ProviderInfo provider) => provider.Name switch
    {
        "UseApi" => "genresilience-useapi",
        "Bytez" => "genresilience-bytez",
        "Velro" => "genresilience-velro",
        _ => "genresilience-" + provider.Name,
    };

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        HealthStatus failureStatus = context.Registration.FailureStatus;
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["provider"] = _provider.Name };

        GenerationClientContext client;
        GenerationResilienceOptions options;
        try
        {
            client = Client();
            options = client.Options;
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
        {
            // Validation messages name settings, never their values.
            return Task.FromResult(new HealthCheckResult(failureStatus, $"{_provider.Name}: the client cannot be used: {e.Message}", data: data));
        }

        var failures = new List<string>();
        var problems = new List<string>();
        DateTimeOffset now = client.TimeProvider.GetUtcNow();
        ReadKeys(client, now, data, failures, problems);
        if (options is UseApiClientOptions useApi && _services.GetService<IUseApiClient>() is { } useApiClient)
        {
            ReadFamilies(useApiClient.Health, useApi, data, failures, problems);
        }

        HealthStatus status = failures.Count > 0 ? failureStatus : problems.Count > 0 ? HealthStatus.Degraded : HealthStatus.Healthy;
        string description = failures.Count + problems.Count == 0
            ? $"{_provider.Name}: {Ready(data)}."
            : $"{_provider.Name}: {string.Join("; ", failures.Concat(problems))}.";
        return Task.FromResult(new HealthCheckResult(status, description, data: data));
    }

    private static string Ready(Dictionary<string, object> data)
        => data.TryGetValue("keys.total", out object? total) && total is int count and > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{count} of {count} API {(count == 1 ? "key" : "keys")} ready")
            : "ready";

    private static void ReadKeys(GenerationClientContext client, DateTimeOffset now, Dictionary<string, object> data, List<string> failures, List<string> problems)
    {
        IReadOnlyList<KeySlot> slots = client.Pool.Slots;
        int total = 0, quarantined = 0, cooling = 0, trial = 0;
        DateTimeOffset coolingUntil = default;
        foreach (KeySlot slot in slots)
        {
            KeyAdmissionState admission = slot.Admission.GetState(now);
            bool named = slot.Key.Value is not null;
            string state;
            if (named && slot.QuarantinedUntil > now)
            {
                quarantined++;
                state = "quarantined: " + (slot.RejectedWith is > 0 and var status ? "rejected with " + status.ToString(CultureInfo.InvariantCulture) + ", " : string.Empty)
                    + "until " + Time(slot.QuarantinedUntil);
            }
            else
            {
                switch (admission.Phase)
                {
                    case KeyAdmissionPhase.Cooling:
                        cooling++;
                        coolingUntil = admission.CoolingUntil > coolingUntil ? admission.CoolingUntil : coolingUntil;
                        state = string.Create(CultureInfo.InvariantCulture, $"cooling_down: after a 429, until {Time(admission.CoolingUntil)}, {admission.Waiting} waiting");
                        break;
                    case KeyAdmissionPhase.Trial:
                        trial++;
                        state = string.Create(CultureInfo.InvariantCulture, $"trial: the first request after a 429 cooldown is out, {admission.Waiting} waiting for its answer");
                        break;
                    case KeyAdmissionPhase.Paced when admission.Rate is { } rate:
                        state = string.Create(CultureInfo.InvariantCulture, $"ready: paced at {rate:0.##} requests/s");
                        break;
                    default:
                        state = "ready";
                        break;
                }
            }

            if (named)
            {
                total++;
                data[UniqueKey(data, "key." + slot.Key.Fingerprint)] = state;
            }
            else
            {
                data["rate_limit"] = state;
            }
        }

        int usable = total - quarantined;
        if (total > 0)
        {
            data["keys.total"] = total;
            data["keys.usable"] = usable;
            data["keys.quarantined"] = quarantined;
            data["keys.cooling_down"] = cooling;
            data["keys.trial"] = trial;
        }

        if (total > 0 && usable == 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"no usable API key: all {total} are quarantined after the service rejected them; fix {client.KeysSetting}"));
            return;
        }

        if (quarantined > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{quarantined} of {total} API keys quarantined after the service rejected them, {usable} usable"));
        }

        if (cooling > 0)
        {
            problems.Add(total == 0 ? $"cooling down after a 429 until {Time(coolingUntil)}; requests wait"
                : cooling == usable ? $"every usable API key is cooling down after a 429, until {Time(coolingUntil)} at the latest; requests wait"
                : string.Create(CultureInfo.InvariantCulture, $"{cooling} of {total} API keys cooling down after a 429"));
        }

        if (trial > 0)
        {
            problems.Add(total == 0 ? "on trial after a 429 cooldown: one request is out, the others wait for its answer"
                : string.Create(CultureInfo.InvariantCulture, $"{trial} of {total} API keys on trial after a 429 cooldown"));
        }
    }

    private static void ReadFamilies(UseApiHealth health, UseApiClientOptions options, Dictionary<string, object> data, List<string> failures, List<string> problems)
    {
        bool emergency = options.EnableEmergencyFallback && health[UseApiModelFamily.Veo].State != UseApiFamilyState.Healthy;
        data["useapi.emergency_mode"] = emergency;
        foreach (UseApiFamilyHealth family in health.Families)
        {
            data["useapi.family." + Lower(family.Family)] = family.State == UseApiFamilyState.Healthy
                ? "healthy"
                : $"{Lower(family.State)}: since {Time(family.Since)}" + (family.LastError is null ? string.Empty : ", last error: " + family.LastError);
        }

        if (health.Families.All(f => f.State == UseApiFamilyState.Degraded))
        {
            failures.Add("every model family (LTX, VEO, Flow) is failing");
            return;
        }

        foreach (UseApiFamilyHealth family in health.Families.Where(f => f.State != UseApiFamilyState.Healthy))
        {
            string state = family.State == UseApiFamilyState.Recovering ? "recovering (a trial call decides)" : "failing";
            problems.Add(family.Family == UseApiModelFamily.Veo && options.EnableEmergencyFallback
                ? $"emergency mode: VEO is {state}, VEO requests run on {options.FallbackModel.DisplayName}"
                : $"{Display(family.Family)} is {state}");
        }
    }

    private static string Display(UseApiModelFamily family) => family switch
    {
        UseApiModelFamily.Ltx => "LTX",
        UseApiModelFamily.Veo => "VEO",
        _ => family.ToString(),
    };

    private static string Lower(UseApiModelFamily family) => family switch
    {
        UseApiModelFamily.Ltx => "ltx",
        UseApiModelFamily.Veo => "veo",
        UseApiModelFamily.Flow => "flow",
        _ => family.ToString(),
    };

    private static string Lower(UseApiFamilyState state) => state switch
    {
        UseApiFamilyState.Degraded => "degraded",
        UseApiFamilyState.Recovering => "recovering",
        _ => "healthy",
    };

    /// <summary>Two keys may share a fingerprint (the same last four characters): the second becomes <c>key.…a1b2#2</c>.</summary>
    private static string UniqueKey(Dictionary<string, object> data, string key)
    {
        string unique = key;
        for (int n = 2; data.ContainsKey(unique); n++)
        {
            unique = key + "#" + n.ToString(CultureInfo.InvariantCulture);
        }

        return unique;
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private GenerationClientContext Client()
    {
        GenerationPipelineNames names = _services.GetRequiredService<GenerationPipelineNames>();
        return names.TryGet(_provider.ClientName, out GenerationClientDefinition? definition)
            ? _services.GetRequiredService<GenerationClientRegistry>().Get(definition)
            : throw new InvalidOperationException($"The {_provider.Name} client was not registered; call services.AddGenerationClients().");
    }
}
