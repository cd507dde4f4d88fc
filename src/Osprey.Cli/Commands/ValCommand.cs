using System.CommandLine;
using System.Globalization;
using Osprey.Training;
using Osprey.Training.Classification;
using Spectre.Console;

namespace Osprey.Cli.Commands;

/// <summary><c>osprey val</c>: top-1, top-5 and per-class accuracy of a trained classifier on a dataset's validation split.</summary>
public static class ValCommand
{
    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "a checkpoint written by osprey train (best.ckpt or last.ckpt)", Required = true };
        var data = new Option<string?>("--data") { Description = "the dataset (default: the one the model was trained on)" };
        var batch = new Option<int>("--batch") { Description = "batch size", DefaultValueFactory = _ => 256 };
        var workers = new Option<int>("--workers") { Description = "data-loading threads", DefaultValueFactory = _ => 2 };
        var command = new Command("val", "Evaluate a trained classifier: top-1, top-5 and per-class accuracy") { weights, data, batch, workers };
        command.SetAction(result => Cli.Run(() => Run(result.GetValue(weights)!, result.GetValue(data), result.GetValue(batch), result.GetValue(workers))));
        return command;
    }

    static int Run(string weights, string? data, int batch, int workers)
    {
        if (batch < 1) return Cli.Usage($"--batch {batch}: expected an integer >= 1");
        using var trained = TrainedModel.Load(weights);
        var (metrics, source) = ClassificationValidation.Run(trained, data, batch, workers);
        var perClass = metrics.Confusion.PerClassAccuracy();
        Console.WriteLine($"{trained.Info.Model} ({weights}, epoch {trained.Epoch}{(trained.UsesEma ? ", EMA weights" : "")}) on {source.Description}: " +
                          $"{metrics.Count} images");
        Console.WriteLine($"top-1 {Pct(metrics.Top1)}  top-5 {Pct(metrics.Top5)}");
        var table = new Table().Border(Console.IsOutputRedirected ? TableBorder.Ascii : TableBorder.Rounded)
            .AddColumn("class").AddColumn(new TableColumn("images").RightAligned()).AddColumn(new TableColumn("accuracy").RightAligned());
        for (int c = 0; c < perClass.Length; c++)
        {
            long images = Enumerable.Range(0, perClass.Length).Sum(p => metrics.Confusion[c, p]);
            table.AddRow(Markup.Escape(trained.Classes[c]), images.ToString(CultureInfo.InvariantCulture), Pct(perClass[c]));
        }
        AnsiConsole.Write(table);
        return Cli.Ok;
    }

    internal static string Pct(double v) => double.IsNaN(v) ? "-" : (100 * v).ToString("F2", CultureInfo.InvariantCulture) + "%";
}
