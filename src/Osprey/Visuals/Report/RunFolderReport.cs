using Osprey.Visuals.Plots;
using YamlDotNet.RepresentationModel;

namespace Osprey.Visuals.Report;

/// <summary>
/// Gathers a <see cref="RunReport"/> from a run folder: args.yaml (a flat mapping), results.csv, and the pictures
/// present, in ultralytics' order (results, confusion matrices, curves, labels, batches); metrics and tables are passed in.
/// </summary>
public static class RunFolderReport
{
    public const string ArgsFile = "args.yaml", ResultsFile = "results.csv", ReportFile = "report.html";

    static readonly (string Pattern, string Caption)[] KnownPictures =
    [
        ("results.png", "Losses, metrics and learning rate per epoch"),
        ("confusion_matrix.png", "Confusion matrix (counts)"),
        ("confusion_matrix_normalized.png", "Confusion matrix (normalized per true class)"),
        ("iou_per_class.png", "Per-class IoU"),
        ("PR_curve.png", "Precision-recall curve"),
        ("F1_curve.png", "F1-confidence curve"),
        ("P_curve.png", "Precision-confidence curve"),
        ("R_curve.png", "Recall-confidence curve"),
        ("labels.jpg", "Training labels: instances, box shapes, centres and sizes"),
        ("train_batch*.jpg", "Training batch (after augmentation)"),
        ("val_batch*_labels.jpg", "Validation batch: ground truth"),
        ("val_batch*_pred.jpg", "Validation batch: predictions"),
    ];

    public static RunReport FromFolder(string runDirectory, IReadOnlyList<KeyValuePair<string, double>>? finalMetrics = null,
                                       IReadOnlyList<HtmlTable>? tables = null, string? title = null)
    {
        if (!Directory.Exists(runDirectory)) throw new DirectoryNotFoundException($"run folder {runDirectory} does not exist");
        var argsPath = Path.Combine(runDirectory, ArgsFile);
        var resultsPath = Path.Combine(runDirectory, ResultsFile);
        return new RunReport(
            title ?? $"Run {Path.GetFileName(Path.GetFullPath(runDirectory).TrimEnd(Path.DirectorySeparatorChar))}",
            File.Exists(argsPath) ? ReadArguments(argsPath) : [],
            File.Exists(resultsPath) ? ResultsTable.Read(resultsPath) : null,
            finalMetrics ?? [],
            Pictures(runDirectory),
            tables ?? []);
    }

    /// <summary>The known pictures that exist in the folder, in display order.</summary>
    public static List<ReportPicture> Pictures(string runDirectory)
    {
        var pictures = new List<ReportPicture>();
        foreach (var (pattern, caption) in KnownPictures)
            foreach (var file in Directory.GetFiles(runDirectory, pattern).Order(StringComparer.Ordinal))
                pictures.Add(new ReportPicture(Path.GetFileName(file), pattern.Contains('*') ? $"{caption}: {Path.GetFileName(file)}" : caption));
        return pictures;
    }

    /// <summary>The top-level keys and scalar values of a YAML mapping, in file order (nested values as flow text).</summary>
    public static List<KeyValuePair<string, string>> ReadArguments(string path)
    {
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InvalidDataException($"{path}:{e.Start.Line}: not valid YAML ({e.Message})", e);
        }
        if (yaml.Documents.Count == 0) return [];
        if (yaml.Documents[0].RootNode is not YamlMappingNode mapping)
            throw new InvalidDataException($"{path}: expected a mapping of argument names to values");
        return mapping.Children.Select(p => new KeyValuePair<string, string>(p.Key.ToString(), p.Value is YamlScalarNode s ? s.Value ?? "" : p.Value.ToString())).ToList();
    }
}
