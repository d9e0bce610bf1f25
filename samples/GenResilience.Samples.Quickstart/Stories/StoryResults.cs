namespace GenResilience.Samples.Quickstart;

/// <summary>The summary lines and the deviations from the script, across stories.</summary>
internal sealed class StoryResults
{
    private readonly object _gate = new();
    private readonly List<SummaryRow> _rows = [];
    private readonly List<string> _deviations = [];

    public IReadOnlyList<SummaryRow> Rows
    {
        get
        {
            lock (_gate)
            {
                return [.. _rows];
            }
        }
    }

    public IReadOnlyList<string> Deviations
    {
        get
        {
            lock (_gate)
            {
                return [.. _deviations];
            }
        }
    }

    public void Add(SummaryRow row)
    {
        lock (_gate)
        {
            _rows.Add(row);
        }
    }

    public void Deviate(string what)
    {
        lock (_gate)
        {
            _deviations.Add(what);
        }
    }
}
