using System.CommandLine;
using Osprey.Training;
using Spectre.Console;

namespace Osprey.Cli.Commands;

/// <summary><c>osprey val</c>: evaluates a trained model on a dataset's validation split with its task's metrics
/// (classification: top-1, top-5 and per-class accuracy).</summary>
public static class ValCommand
{
    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "a checkpoint written by osprey train (best.ckpt or last.ckpt)", Required = true };
        var data = new Option<string?>("--data") { Description = "the dataset (default: the one the model was trained on)" };
        var batch = new Option<int>("--batch") { Description = "batch size", DefaultValueFactory = _ => 256 };
        var workers = new Option<int>("--workers") { Description = "data-loading threads", DefaultValueFactory = _ => 2 };
        var command = new Command("val", "Evaluate a trained model with its task's metrics (classification: top-1, top-5, per-class accuracy)")
        {
            weights, data, batch, workers,
        };
        command.SetAction(result => Cli.Run(() => Run(result.GetValue(weights)!, result.GetValue(data), result.GetValue(batch), result.GetValue(workers))));
        return command;
    }

    static int Run(string weights, string? data, int batch, int workers)
    {
        if (batch < 1) return Cli.Usage($"--batch {batch}: expected an integer >= 1");
        using var trained = TrainedModel.Load(weights);
        var report = TaskRegistry.Get(trained.Info.Task, trained.Info.Model).Validate(trained, new ValidationRequest(data, batch, workers));
        Console.WriteLine(report.Headline);
        Console.WriteLine(string.Join("  ", report.Summary.Select(m => $"{m.Name} {m.Text}")));
        var table = new Table().Border(Console.IsOutputRedirected ? TableBorder.Ascii : TableBorder.Rounded);
        for (int c = 0; c < report.PerClass.Columns.Count; c++)
            table.AddColumn(c == 0 ? new TableColumn(report.PerClass.Columns[c]) : new TableColumn(report.PerClass.Columns[c]).RightAligned());
        foreach (var row in report.PerClass.Rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
        return Cli.Ok;
    }
}
