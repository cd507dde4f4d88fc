using Osprey.Visuals.Plots;

namespace Osprey.Visuals.Report;

/// <summary>A picture of the run folder, by its path relative to the folder (forward slashes), with a caption.</summary>
public sealed record ReportPicture(string RelativePath, string Caption);

/// <summary>A plain table (per-class accuracy, per-class AP, ...): a title, column headers, rows of formatted cells.</summary>
public sealed record HtmlTable(string Title, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    public HtmlTable Validated()
    {
        for (int r = 0; r < Rows.Count; r++)
            if (Rows[r].Count != Headers.Count)
                throw new ArgumentException($"report table '{Title}': row {r + 1} has {Rows[r].Count} cells for {Headers.Count} headers");
        return this;
    }
}

/// <summary>Everything report.html shows about one run.</summary>
public sealed record RunReport(
    string Title,
    IReadOnlyList<KeyValuePair<string, string>> Arguments,
    ResultsTable? Results,
    IReadOnlyList<KeyValuePair<string, double>> FinalMetrics,
    IReadOnlyList<ReportPicture> Pictures,
    IReadOnlyList<HtmlTable> Tables);
