using System.Diagnostics;
using System.Globalization;
using Osprey.Training;
using Spectre.Console;

namespace Osprey.Cli.Commands;

/// <summary>
/// Training progress on the console. On a terminal: one live line (epoch, batch i/n, loss, images/s, the epoch's elapsed
/// time and the whole run's ETA, validations included) redrawn in place, and a summary line per epoch. When output is
/// redirected (CI, logs): no control characters, a plain progress line after the first batch, then about every 10% of
/// an epoch or 30 s, and the same summary lines.
/// </summary>
public sealed class ConsoleProgress : ITrainerCallback
{
    readonly bool live = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Ansi;
    readonly Stopwatch sinceDraw = Stopwatch.StartNew(), sincePlainLine = Stopwatch.StartNew(), validationClock = new();
    int lastPlainBatch;
    RunEta eta = new(0);
    BatchProgress? lastBatch;

    public void OnTrainStart(Trainer t)
    {
        var d = t.Data;
        Console.WriteLine($"osprey train: {t.Options.Model} on {d.Description}: {d.Train.Count} training images, " +
                          $"{d.Val?.Count ?? 0} validation images, {d.Classes.Count} classes, {d.InChannels}x{d.ImageSize}x{d.ImageSize} inputs");
        Console.WriteLine($"  run folder {t.RunDirectory}; {t.BatchesPerEpoch} batches of {t.Options.Batch} per epoch; " +
                          $"{t.Model.Parameters().Sum(p => p.NumEl):N0} parameters");
        if (t.Transfer is { } transfer)
        {
            if (t.Task is Osprey.Training.Detection.YoloTask && Osprey.Torch.Serialization.TorchLoad.IsTorchFile(transfer.Source))
                Osprey.Training.Detection.UltralyticsWeights.WarnOnce(Console.Error.WriteLine);
            Console.WriteLine("  weights: " + transfer.ToString().Replace("\n", "\n  "));
        }
        if (t.Frozen.Count > 0) Console.WriteLine($"  frozen: {string.Join(", ", t.Frozen)}");
        eta = new RunEta(t.Options.Val ? d.Val?.Count ?? 0 : 0);
    }

    public void OnTrainEnd(Trainer t)
    {
        if (t.EarlyStop is { } why) Console.WriteLine($"osprey train: {why}");
    }

    public void OnEpochStart(Trainer t, int epoch)
    {
        lastPlainBatch = 0;
        lastBatch = null;
    }

    public void OnBatchEnd(Trainer t, BatchProgress p)
    {
        lastBatch = p;
        var remaining = eta.Remaining(p);
        string text = $"epoch {p.Epoch + 1}/{p.Epochs}  batch {p.Batch}/{p.Batches}  {Terms(p.MeanTerms)}  " +
                      $"{p.ImagesPerSecond:F0} img/s  lr {p.Lr:G3}  epoch {Time(p.EpochElapsed)}  " +
                      $"run ETA {(remaining is { } r ? Time(r) : "-")}";
        if (live)
        {
            if (sinceDraw.ElapsedMilliseconds < 100 && p.Batch != p.Batches) return;
            sinceDraw.Restart();
            ClearLine();
            AnsiConsole.Markup(Markup.Escape(FitWidth(text)));
        }
        else if (p.Batch == 1 || p.Batch == p.Batches || p.Batch - lastPlainBatch >= Math.Max(1, p.Batches / 10) ||
                 sincePlainLine.Elapsed.TotalSeconds >= 30)
        {
            lastPlainBatch = p.Batch;
            sincePlainLine.Restart();
            Console.WriteLine(text);
        }
    }

    public void OnValidationStart(Trainer t, int epoch, int batches)
    {
        EndTraining();
        validationClock.Restart();
        if (!live) return;
        ClearLine();
        AnsiConsole.Markup(Markup.Escape(FitWidth($"epoch {epoch + 1}/{t.Options.Epochs}  validating ({batches} batches)...")));
    }

    /// <summary>The epoch's training time goes to the ETA once, whether a validation follows or not.</summary>
    void EndTraining()
    {
        if (lastBatch is { } p) eta.TrainingEnded(p.Batch, p.EpochElapsed);
        lastBatch = null;
    }

    public void OnEpochEnd(Trainer t, EpochSummary s)
    {
        if (validationClock.IsRunning) eta.ValidationTook(validationClock.Elapsed);
        validationClock.Reset();
        EndTraining();
        var metrics = string.Join("  ", s.Metrics.Select(m => $"{m.Key} {Format(m.Value)}"));
        var line = $"epoch {s.Epoch}/{s.Epochs}  train {Terms(s.TrainTerms)}  val {Terms(s.ValTerms)}  {metrics}  lr {s.Lr:G3}  " +
                   $"{s.ImagesPerSecond:F0} img/s  {Time(s.Duration)}" +
                   (s.CommunicationPerStep is { } c ? $"  all-reduce {c.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} ms/step" : "") +
                   (s.IsBest ? "  best" : "");
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
