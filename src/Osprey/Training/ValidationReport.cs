namespace Osprey.Training;

/// <summary>What <c>osprey val</c> asks of a task: the data (null: the training data), batch size, loader threads, and
/// the split to evaluate (null: the validation split; each task names the splits its data has).</summary>
public sealed record ValidationRequest(string? Data = null, int Batch = 128, int Workers = 2, Action<int, int>? Progress = null, string? Split = null)
{
    /// <summary>Segmentation: whole / sliding window and test-time augmentation (null: whole or sliding window by size, no TTA).</summary>
    public Segmentation.SegmentationTestOptions? Segmentation { get; init; }
}

/// <summary>
/// A validation result in a form every front end can show: a headline, the summary metrics (name, value, formatted
/// text) and a per-class table. Values stay numbers for JSON; <see cref="Text"/> is how the task formats them.
/// </summary>
public sealed record ValidationReport(string Headline, IReadOnlyList<ReportMetric> Summary, ReportTable PerClass);

public sealed record ReportMetric(string Name, double Value, string Text);

/// <summary>Rows of cells under named columns; the first column names the class.</summary>
public sealed record ReportTable(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);
