using System.Globalization;
using System.Text.Json;
using GenResilience.Errors.Internal;
using GenResilience.Keys.Internal;
using GenResilience.Providers.Internal;

namespace GenResilience.Providers.Velro.Internal;

/// <summary>
/// The checks of the "503 errors" diagnosis, in order: the service answers at all; it accepts each token
/// (<c>/auth/me</c>); the model registry reads; it refuses a request without a token; and the create endpoint reads a
/// multipart form and checks the model (a dry run with a model no registry holds, so nothing is generated or charged).
/// Each row says, in words a support engineer can act on, what the answer means. Nothing is retried.
/// </summary>
internal sealed class VelroDiagnosis
{
    private const int MaxBodyChars = 64 * 1024;

    private readonly ProviderClientServices<VelroClientOptions> _services;
    private readonly VelroClientOptions _options;
    private readonly TimeProvider _time;

    public VelroDiagnosis(ProviderClientServices<VelroClientOptions> services)
    {
        _services = services;
        _options = services.Options;
        _time = services.TimeProvider;
    }

    public async Task<ProviderProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset checkedAt = _time.GetUtcNow();
        HttpClient client = _services.CreateClient();
        HttpClient bare = _services.CreateClientWithoutKeys();
        Uri home = _options.BaseAddress!;
        var rows = new List<ProviderProbeRow>();

        rows.Add(await CheckAsync(bare, new HttpRequestMessage(HttpMethod.Get, new Uri(home, _options.HealthPath)), $"GET {_options.HealthPath} (connectivity)", null, JudgeConnectivity, cancellationToken).ConfigureAwait(false));

        string?[] keys = _options.ApiKeys.Count > 0 ? [.. _options.ApiKeys] : [null];
        foreach (string? key in keys)
        {
            string endpoint = key is null ? $"GET {_options.CurrentUserPath}" : $"GET {_options.CurrentUserPath} (token {KeyFingerprint.For(key)})";
            rows.Add(await CheckAsync(client, Pipeline(new HttpRequestMessage(HttpMethod.Get, _options.CurrentUserPath), "diagnosis: me", key), endpoint, key, JudgeAccount, cancellationToken).ConfigureAwait(false));
        }

        rows.Add(await CheckAsync(client, Pipeline(new HttpRequestMessage(HttpMethod.Get, _options.ModelsPath), "diagnosis: models", null), $"GET {_options.ModelsPath}", null, JudgeModels, cancellationToken).ConfigureAwait(false));

        rows.Add(await CheckAsync(bare, new HttpRequestMessage(HttpMethod.Get, new Uri(home, _options.CurrentUserPath)), $"GET {_options.CurrentUserPath} without a token", null, JudgeNoToken, cancellationToken).ConfigureAwait(false));

        var dryRun = new HttpRequestMessage(HttpMethod.Post, _options.GenerationsPath) { Content = VelroForm.DryRun() };
        rows.Add(await CheckAsync(client, Pipeline(dryRun, "diagnosis: dry run", null), $"POST {_options.GenerationsPath} (dry run, multipart)", null, JudgeDryRun, cancellationToken).ConfigureAwait(false));

        return new ProviderProbeResult(VelroConstants.ProviderName, checkedAt, rows);
    }

    private static HttpRequestMessage Pipeline(HttpRequestMessage request, string operation, string? key)
    {
        request.SetOperationName(operation);
        request.SetProbe(key);
        request.SetTotalTimeout(ProviderCalls.ProbeTimeout);
        return request;
    }

    private async Task<ProviderProbeRow> CheckAsync(
        HttpClient client,
        HttpRequestMessage request,
        string endpoint,
        string? key,
        Func<Reply, (ProbeVerdict Verdict, string Detail)> judge,
        CancellationToken cancellationToken)
    {
        using (request)
        {
            long started = _time.GetTimestamp();
            using var bound = new CancellationTokenSource(ProviderCalls.ProbeTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
            try
            {
                using HttpResponseMessage response = await client.SendAsync(request, linked.Token).ConfigureAwait(false);
                string body = await ReadBodyAsync(response, linked.Token).ConfigureAwait(false);
                ParsedError error = ErrorBodyParser.Parse(body, response.Content.Headers.ContentType?.MediaType);
                var reply = new Reply((int)response.StatusCode, body, Redact(error.Message), error.ValidationErrors);
                (ProbeVerdict verdict, string detail) = judge(reply);
                return new ProviderProbeRow(endpoint, reply.Status, _time.GetElapsedTime(started), verdict, Shorten(detail));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (GenerationException e)
            {
                ProbeVerdict verdict = e.Kind == GenerationErrorKind.Unauthorized ? ProbeVerdict.AuthProblem : ProviderProbeRow.VerdictFor(e.StatusCode);
                return new ProviderProbeRow(endpoint, e.StatusCode, _time.GetElapsedTime(started), verdict, Shorten(e.Message));
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                string what = e is OperationCanceledException
                    ? $"no answer within {ProviderCalls.ProbeTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"
                    : "no answer (" + e.Message + ")";
                return new ProviderProbeRow(endpoint, null, _time.GetElapsedTime(started), ProbeVerdict.Outage, $"{what}: the service is down or unreachable from here (DNS, firewall, TLS), or BaseAddress ({_options.BaseAddress}) is wrong.");
            }
        }
    }

    private (ProbeVerdict, string) JudgeConnectivity(Reply reply) => reply.Status switch
    {
        < 400 => (ProbeVerdict.Ok, "the service answers."),
        < 500 => (ProbeVerdict.Ok, $"the service answers ({_options.HealthPath} says {reply.Status}{Said(reply)}); the calls below tell whether the API is at this address."),
        _ => (ProbeVerdict.Outage, $"the service answers with {reply.Status}{Said(reply)}: it is up but failing, or a proxy in front of it cannot reach it."),
    };

    private (ProbeVerdict, string) JudgeAccount(Reply reply)
    {
        if (reply.Status is >= 200 and < 300)
        {
            VelroUser? user = TryRead(reply.Body, VelroJsonContext.Default.VelroUser);
            return user is null
                ? (ProbeVerdict.Misconfigured, $"the token was accepted, but the answer is not Velro's account JSON: is {_options.CurrentUserPath} the right path?")
                : (ProbeVerdict.Ok, $"the token is accepted: account {Mask(user.Email)}, balance {(user.CreditsBalance is { } balance ? balance.ToString("0.##", CultureInfo.InvariantCulture) + " credits" : "not given")}.");
        }

        return reply.Status switch
        {
            401 or 403 => (ProbeVerdict.AuthProblem, $"the token is refused ({reply.Status}{Said(reply)}). Velro tokens are sessions (Supabase JWTs): the session expired or this is not a Velro token. Sign in again and replace it in {_services.Setting("ApiKeys")}."),
            404 => (ProbeVerdict.Misconfigured, $"no such endpoint (404): check {_services.Setting("BaseAddress")} and {_services.Setting("CurrentUserPath")}."),
            429 => (ProbeVerdict.Ok, "the service is rate limiting (429): it is up, only busy."),
            >= 500 => (ProbeVerdict.Outage, $"the service failed ({reply.Status}{Said(reply)}): with a database or auth outage Velro answers 503 even for a valid token."),
            _ => (ProbeVerdict.Misconfigured, $"unexpected {reply.Status}{Said(reply)}."),
        };
    }

    private (ProbeVerdict, string) JudgeModels(Reply reply)
    {
        if (reply.Status is >= 200 and < 300)
        {
            VelroModelsResponse? registry = TryRead(reply.Body, VelroJsonContext.Default.VelroModelsResponse);
            if (registry?.Models is not { } models)
            {
                return (ProbeVerdict.Misconfigured, $"the answer is not Velro's model registry JSON ({{\"models\":[...]}}): is {_options.ModelsPath} the right path, or is a proxy answering?");
            }

            if (models.Count == 0)
            {
                return (ProbeVerdict.Misconfigured, "the registry is empty: Velro answers so when it cannot read its own model list, and every create will be refused.");
            }

            string byType = string.Join(", ", models.GroupBy(m => m.Type).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}")));
            return (ProbeVerdict.Ok, string.Create(CultureInfo.InvariantCulture, $"{models.Count} models ({byType}); a create must use one of these ids."));
        }

        return reply.Status switch
        {
            404 => (ProbeVerdict.Misconfigured, $"no model registry here (404): check {_services.Setting("BaseAddress")} and {_services.Setting("ModelsPath")}."),
            401 or 403 => (ProbeVerdict.AuthProblem, $"the registry is public, yet it answered {reply.Status}{Said(reply)}."),
            429 => (ProbeVerdict.Ok, "the service is rate limiting (429): it is up, only busy."),
            >= 500 => (ProbeVerdict.Outage, $"the registry failed ({reply.Status}{Said(reply)})."),
            _ => (ProbeVerdict.Misconfigured, $"unexpected {reply.Status}{Said(reply)}."),
        };
    }

    private (ProbeVerdict, string) JudgeNoToken(Reply reply) => reply.Status switch
    {
        401 or 403 => (ProbeVerdict.Ok, $"refuses a request without a token ({reply.Status}), as it should: a 401 elsewhere is about the token."),
        >= 200 and < 400 => (ProbeVerdict.Misconfigured, $"answered {reply.Status} without a token: authentication is off (AUTH_ENABLED?) or something in front of Velro adds credentials."),
        404 => (ProbeVerdict.Misconfigured, $"no such endpoint (404): check {_services.Setting("BaseAddress")} and {_services.Setting("CurrentUserPath")}."),
        429 => (ProbeVerdict.Ok, "the service is rate limiting (429): it is up, only busy."),
        >= 500 => (ProbeVerdict.Outage, $"answered {reply.Status} instead of 401{Said(reply)}: its authentication is failing (with an auth outage Velro answers 503)."),
        _ => (ProbeVerdict.Misconfigured, $"answered {reply.Status} instead of 401{Said(reply)}."),
    };

    private (ProbeVerdict, string) JudgeDryRun(Reply reply)
    {
        if (reply.Status == 400 && VelroOutcomeClassifier.SaysModelNotFound(reply.Text))
        {
            return (ProbeVerdict.Ok, $"read the multipart form and refused the unknown model '{VelroConstants.DryRunModelId}' (400{Said(reply)}), as it should; nothing was generated.");
        }

        return reply.Status switch
        {
            422 => (ProbeVerdict.Misconfigured, $"answered 422 to a well-formed multipart form{Said(reply)}. The fields were sent, so they do not reach Velro intact: a proxy or gateway that rewrites or drops request bodies, or a JSON body sent in their place. Every generation fails this way; it is not a 503."),
            401 or 403 => (ProbeVerdict.AuthProblem, $"the token is refused by the create endpoint ({reply.Status}{Said(reply)}): sign in again and replace it in {_services.Setting("ApiKeys")}."),
            402 => (ProbeVerdict.AuthProblem, $"the account cannot pay for a generation ({reply.Status}{Said(reply)}): add credits."),
            404 or 405 => (ProbeVerdict.Misconfigured, $"no create endpoint here ({reply.Status}): check {_services.Setting("BaseAddress")} and {_services.Setting("GenerationsPath")}."),
            429 => (ProbeVerdict.Ok, "the create endpoint is rate limiting (429, Velro allows 10 creates a minute): it is up, only busy."),
            >= 200 and < 300 => (ProbeVerdict.Misconfigured, $"accepted a model that is not in its registry ({reply.Status}): its model check is off, and a generation may have been started."),
            >= 500 => (ProbeVerdict.Outage, $"the create endpoint failed ({reply.Status}{Said(reply)}) on a request it should refuse with 400: the fault is Velro's own (database, fal.ai, load)."),
            _ => (ProbeVerdict.Misconfigured, $"answered {reply.Status}{Said(reply)} where 400 \"Model {VelroConstants.DryRunModelId} not found in registry\" was expected."),
        };
    }

    private static T? TryRead<T>(string body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream);
        char[] buffer = new char[MaxBodyChars];
        int read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
        return new string(buffer, 0, read);
    }

    private static string Said(Reply reply) => reply.Text is { Length: > 0 } text ? ": " + text : string.Empty;

    private static string Mask(string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return "(no e-mail given)";
        }

        int at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 1 ? "…" + email[Math.Max(0, at)..] : email[0] + "…" + email[at..];
    }

    /// <summary>A service may echo the token it refused; never let one reach a row.</summary>
    private string? Redact(string? text)
    {
        foreach (string key in _options.ApiKeys)
        {
            if (text is not null && key.Length > 0 && text.Contains(key, StringComparison.Ordinal))
            {
                text = text.Replace(key, KeyFingerprint.For(key), StringComparison.Ordinal);
            }
        }

        return text;
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..397] + "...";

    private sealed record Reply(int Status, string Body, string? Text, IReadOnlyList<GenerationValidationError> ValidationErrors);
}
