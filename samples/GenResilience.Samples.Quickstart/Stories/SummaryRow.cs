namespace GenResilience.Samples.Quickstart;

/// <summary>One line of the summary table.</summary>
internal sealed record SummaryRow(string Provider, string Operation, bool Succeeded, string Outcome, int Attempts, string Keys, TimeSpan Time);
