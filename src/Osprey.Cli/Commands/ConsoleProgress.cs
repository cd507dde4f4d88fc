using System.Diagnostics;
using System.Globalization;
using Osprey.Training;
using Spectre.Console;

namespace Osprey.Cli.Commands;

/// <summary>
/// Training progress on the console. On a terminal: one live line (epoch, batch i/n, loss, images/s, ETA) redrawn in
/// place, and a summary line per epoch. When output is redirected (CI, logs): no control characters, a plain progress
/// line about every 10% of an epoch, and the same summary lines.
/// </summary>
public sealed class ConsoleProgress : ITrainerCallback
{
    readonly bool live = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Ansi;
    readonly Stopwatch sinceDraw = Stopwatch.StartNew();
    int lastPlainBatch;

    public void OnTrainStart(Trainer t)
    {
        var d = t.Data;
        Console.WriteLine($"osprey train: {t.Options.Model} on {d.Description}: {d.Train.Count} training images, " +
                          $"{d.Val?.Count ?? 0} validation images, {d.Classes.Count} classes, {d.InChannels}x{d.ImageSize}x{d.ImageSize} inputs");
        Console.WriteLine($"  run folder {t.RunDirectory}; {t.BatchesPerEpoch} batches of {t.Options.Batch} per epoch; " +
                          $"{t.Model.Parameters().Sum(p => p.NumEl):N0} parameters");
        if (t.Transfer is { } transfer) Console.WriteLine("  weights: " + transfer.ToString().Replace("\n", "\n  "));
        if (t.Frozen.Count > 0) Console.WriteLine($"  frozen: {string.Join(", ", t.Frozen)}");
    }

    public void OnTrainEnd(Trainer t)
    {
        if (t.EarlyStop is { } why) Console.WriteLine($"osprey train: {why}");
    }

    public void OnEpochStart(Trainer t, int epoch) => lastPlainBatch = 0;

    public void OnBatchEnd(Trainer t, BatchProgress p)
    {
        string text = $"epoch {p.Epoch + 1}/{p.Epochs}  batch {p.Batch}/{p.Batches}  {Terms(p.MeanTerms)}  " +
                      $"{p.ImagesPerSecond:F0} img/s  lr {p.Lr:G3}  elapsed {Time(p.EpochElapsed)}  ETA {Time(p.Eta)}";
        if (live)
        {
            if (sinceDraw.ElapsedMilliseconds < 100 && p.Batch != p.Batches) return;
            sinceDraw.Restart();
            ClearLine();
            AnsiConsole.Markup(Markup.Escape(FitWidth(text)));
        }
        else if (p.Batch == p.Batches || p.Batch - lastPlainBatch >= Math.Max(1, p.Batches / 10))
        {
            lastPlainBatch = p.Batch;
            Console.WriteLine(text);
        }
    }

    public void OnValidationStart(Trainer t, int epoch, int batches)
    {
        if (!live) return;
        ClearLine();
        AnsiConsole.Markup(Markup.Escape(FitWidth($"epoch {epoch + 1}/{t.Options.Epochs}  validating ({batches} batches)...")));
    }

    public void OnEpochEnd(Trainer t, EpochSummary s)
    {
        var metrics = string.Join("  ", s.Metrics.Select(m => $"{m.Key} {Format(m.Value)}"));
        var line = $"epoch {s.Epoch}/{s.Epochs}  train {Terms(s.TrainTerms)}  val {Terms(s.ValTerms)}  {metrics}  lr {s.Lr:G3}  " +
                   $"{s.ImagesPerSecond:F0} img/s  {Time(s.Duration)}{(s.IsBest ? "  best" : "")}";
        if (!live)
        {
            Console.WriteLine(line);
            return;
        }
        ClearLine();
        // Written as is (Spectre would hard-wrap it at the terminal width); the best epoch in green.
        Console.WriteLine(s.IsBest ? "\u001b[32m" + line + "\u001b[0m" : line);
    }

    static string Terms(IReadOnlyDictionary<string, double> terms) => string.Join("  ", terms.Select(t => $"{t.Key} {Format(t.Value)}"));

    // Carriage return and "erase line" written raw: Spectre would read the escape sequence's bracket as markup.
    static void ClearLine() => Console.Write("\r\u001b[2K");

    // A line longer than the terminal wraps, and "\r" would then redraw only its last row.
    static string FitWidth(string text)
    {
        int width = AnsiConsole.Profile.Width;
        return width > 1 && text.Length >= width ? text[..(width - 1)] : text;
    }

    static string Format(double v) => double.IsNaN(v) ? "-" : v.ToString("F4", CultureInfo.InvariantCulture);

    internal static string Time(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{t.Minutes}m{t.Seconds:D2}s";
}
