using System.Collections.Concurrent;
using System.Globalization;
using GenResilience.Providers.Internal;

namespace GenResilience.Providers.UseApi.Internal;

/// <summary>
/// Chooses the LTX Studio account for a request: one that serves the model, whose token balance is at least its
/// minimum, preferring the one with the most free job slots. Balances are read with one attempt each (an account read
/// that fails leaves the account a candidate: the create itself will tell) and trusted for
/// <see cref="UseApiClientOptions.BalanceCacheDuration"/>, or until a job starts on the account.
/// </summary>
internal sealed class UseApiAccounts
{
    private readonly ProviderClientServices<UseApiClientOptions> _services;
    private readonly ConcurrentDictionary<string, (double Balance, DateTimeOffset ReadAt)> _balances = new(StringComparer.OrdinalIgnoreCase);

    public UseApiAccounts(ProviderClientServices<UseApiClientOptions> services)
    {
        _services = services;
    }

    /// <summary>
    /// The accounts to try for <paramref name="model"/>, best first; <see langword="null"/> alone when no accounts are
    /// configured (UseAPI then picks the token's only account).
    /// </summary>
    /// <exception cref="GenerationException">No account can take the request (<see cref="GenerationErrorKind.NoAccountAvailable"/>), saying why.</exception>
    public async Task<IReadOnlyList<string?>> CandidatesAsync(UseApiModel model, string? pinned, CancellationToken cancellationToken)
    {
        if (pinned is not null)
        {
            return [pinned];
        }

        UseApiClientOptions options = _services.Options;
        if (options.Accounts.Count == 0)
        {
            return [null];
        }

        UseApiAccountOptions[] serving = [.. options.Accounts.Where(a => Serves(a, model))];
        if (serving.Length == 0)
        {
            string accounts = string.Join("; ", options.Accounts.Select(a => $"{a.Email} serves {(a.Models.Count == 0 ? "every model" : string.Join(", ", a.Models.Select(m => UseApiModel.Parse(m).WireName)))}"));
            throw NoAccount($"No UseAPI account is configured for model {model.WireName} (accounts: {accounts}). Add {model.WireName} to an account's Models in {_services.Setting("Accounts")}.");
        }

        (string Email, double? Balance, int Minimum)[] balances = await Task.WhenAll(serving.Select(async a =>
            (a.Email, await BalanceAsync(a.Email, cancellationToken).ConfigureAwait(false), a.MinimumBalance))).ConfigureAwait(false);
        string[] funded = [.. balances.Where(b => b.Balance is not { } balance || balance >= b.Minimum).Select(b => b.Email)];
        if (funded.Length == 0)
        {
            int[] minimums = [.. balances.Select(b => b.Minimum).Distinct()];
            string why = minimums.Length == 1
                ? string.Create(CultureInfo.InvariantCulture, $"All {balances.Length} UseAPI {(balances.Length == 1 ? "account" : "accounts")} for {model.WireName} {(balances.Length == 1 ? "is" : "are")} below the minimum balance of {minimums[0]}")
                : $"All {balances.Length} UseAPI accounts for {model.WireName} are below their minimum balance";
            string detail = string.Join(", ", balances.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Email}: {b.Balance:0.##} of {b.Minimum}")));
            throw NoAccount($"{why} ({detail}). Top up an account, or lower MinimumBalance in {_services.Setting("Accounts")}.");
        }

        return funded.Length == 1 ? [funded[0]] : await OrderByFreeSlotsAsync(funded, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A job started on the account: its balance changed, so read it again next time.</summary>
    public void JobStarted(string? email)
    {
        if (email is not null)
        {
            _balances.TryRemove(email, out _);
        }
    }

    /// <summary>The error when every candidate account answered "query is full".</summary>
    public static GenerationException AllFull(UseApiModel model, IReadOnlyList<string?> tried, GenerationException last)
        => new(
            GenerationErrorKind.NoAccountAvailable,
            "UseApi",
            string.Create(CultureInfo.InvariantCulture, $"UseApi {model.DisplayName}: every account that serves {model.WireName} is full ({string.Join(", ", tried.Select(e => e ?? "the token's account"))}: no free job slot). Try again when a job finishes, or raise the accounts' maxJobs at UseAPI."),
            last)
        {
            Operation = model.DisplayName,
            StatusCode = 429,
            Attempts = last.Attempts,
            MayHaveStartedWork = last.MayHaveStartedWork,
        };

    private static bool Serves(UseApiAccountOptions account, UseApiModel model)
        => account.Models.Count == 0 || account.Models.Any(m => UseApiModel.TryParse(m, out UseApiModel? served) && served == model);

    private static GenerationException NoAccount(string message)
        => new(GenerationErrorKind.NoAccountAvailable, "UseApi", message);

    private async Task<double?> BalanceAsync(string email, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _services.TimeProvider.GetUtcNow();
        if (_balances.TryGetValue(email, out var cached) && now - cached.ReadAt < _services.Options.BalanceCacheDuration)
        {
            return cached.Balance;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, _services.Options.AccountsPath + Uri.EscapeDataString(email));
        request.SetOperationName("account");
        request.SetProbe();
        try
        {
            AccountResponse account = await ProviderCalls.SendForJsonAsync(_services.CreateClient(), request, UseApiJsonContext.Default.AccountResponse, _services.Name, cancellationToken).ConfigureAwait(false);
            if (account.Balance?.LtxStudioToken is not { } balance)
            {
                return null;
            }

            _balances[email] = (balance, now);
            return balance;
        }
        catch (GenerationException e)
        {
            UseApiLog.BalanceUnknown(_services.Logger, email, e.Message);
            return null;
        }
    }

    /// <summary>Most free job slots first, as the scheduler says; configured order when it cannot be read.</summary>
    private async Task<IReadOnlyList<string?>> OrderByFreeSlotsAsync(string[] emails, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _services.Options.SchedulerPath);
        request.SetOperationName("scheduler");
        request.SetProbe();
        try
        {
            SchedulerResponse scheduler = await ProviderCalls.SendForJsonAsync(_services.CreateClient(), request, UseApiJsonContext.Default.SchedulerResponse, _services.Name, cancellationToken).ConfigureAwait(false);
            var free = (scheduler.Available ?? []).Where(a => a.Email is not null).ToDictionary(a => a.Email!, a => a.Available ?? 0, StringComparer.OrdinalIgnoreCase);
            return [.. emails.OrderByDescending(e => free.GetValueOrDefault(e, 0))];
        }
        catch (GenerationException)
        {
            return emails;
        }
    }
}
