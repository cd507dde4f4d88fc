using Osprey.Metrics;
using Osprey.Tests.Data;
using Osprey.Training;
using Osprey.Training.Classification;
using Osprey.Training.Pictures;
using Osprey.Visuals.Plots;
using SkiaSharp;

namespace Osprey.Tests.Training;

public class RunPicturesTests
{
    [Fact]
    public void Every_epoch_end_leaves_results_png_confusion_matrices_and_report_html_in_the_run_folder()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        var warnings = new List<string>();
        var pictures = new RunPictures(warnings.Add);
        var seen = new List<(bool Results, bool Report, string Html)>();
        var evaluators = new EvaluatorRecorder();
        var after = new TrainingSetup.Recorder
        {
            AtEpochEnd = (t, _) =>
            {
                pictures.Flush(); // the epoch's pictures are drawn in the background
                seen.Add((File.Exists(Path.Combine(t.RunDirectory, "results.png")), File.Exists(Path.Combine(t.RunDirectory, "report.html")),
                          File.ReadAllText(Path.Combine(t.RunDirectory, "report.html"))));
            },
        };
        string run;
        using (var trainer = Trainer.Create(TrainingSetup.Tiny(data.Root, runs.Root, epochs: 2), [evaluators, pictures, after]))
        {
            run = trainer.RunDirectory;
            trainer.Train();
        }
        Assert.Empty(warnings);
        Assert.Equal([(true, true), (true, true)], seen.Select(s => (s.Results, s.Report)));
        Assert.Contains("epoch 1/2", seen[0].Html);
        Assert.Contains("epoch 2/2", seen[1].Html);
        // One panel per results.csv column after the epoch, laid out as ResultsPlot.ColumnsFor says.
        int panels = File.ReadLines(Path.Combine(run, Trainer.ResultsFile)).First().Split(',').Length - 1;
        Assert.True(panels >= 5, $"{panels} panels");
        int columns = ResultsPlot.ColumnsFor(panels), rows = (panels + columns - 1) / columns;
        using (var results = SKBitmap.Decode(Path.Combine(run, "results.png")))
            Assert.Equal((columns * ResultsPlot.PanelWidth, rows * ResultsPlot.PanelHeight), (results.Width, results.Height));
        foreach (var file in new[] { "confusion_matrix.png", "confusion_matrix_normalized.png" })
            using (var picture = SKBitmap.Decode(Path.Combine(run, file)))
                Assert.True(picture.Width > 0, file);
        var html = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("<img src=\"confusion_matrix_normalized.png\"", html);
        Assert.Contains("epoch 2/2", html);
        // The per-class table is the last validation's confusion matrix: images per true class and the diagonal's share.
        var matrix = Assert.IsType<ClassificationEvaluator>(evaluators.Seen[^1]).Metrics.Confusion;
        for (int c = 0; c < matrix.Classes; c++)
        {
            long images = Enumerable.Range(0, matrix.Classes).Sum(p => matrix[c, p]);
            string accuracy = images == 0 ? "" : ((double)matrix[c, c] / images).ToString("0.0000");
            Assert.Contains($"<td class=\"num\">{images}</td><td class=\"num\">{accuracy}</td>", html);
        }
        Assert.Empty(Directory.GetFiles(run, "*.tmp-*"));
        // 18 training images in batches of 6: three train_batch grids; the validation batch drawn at the end.
        foreach (var file in new[] { "train_batch0.jpg", "train_batch1.jpg", "train_batch2.jpg", "val_batch0_labels.jpg", "val_batch0_pred.jpg" })
        {
            using var grid = SKBitmap.Decode(Path.Combine(run, file));
            Assert.True(grid is { Width: > 0 }, file);
            Assert.Contains($"<img src=\"{file}\"", html);
        }
    }

    [Fact]
    public void A_drawing_failure_is_a_warning_and_the_run_finishes()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        var warnings = new List<string>();
        using (var trainer = Trainer.Create(TrainingSetup.Tiny(data.Root, runs.Root, epochs: 1), [new RunPictures(warnings.Add)]))
        {
            Directory.CreateDirectory(Path.Combine(trainer.RunDirectory, "results.png")); // the rename onto it fails
            trainer.Train();
            Assert.Equal(1, trainer.EpochsDone);
            Assert.True(File.Exists(Path.Combine(trainer.RunDirectory, Trainer.LastCheckpoint)));
            Assert.True(File.Exists(Path.Combine(trainer.RunDirectory, "report.html")));
        }
        var warning = Assert.Single(warnings);
        Assert.StartsWith("warning: results.png not written (", warning);
        Assert.EndsWith("training continues", warning);
    }

    [Fact]
    public void Train_batch_grid_shows_the_denormalized_images_with_class_names()
    {
        using var runs = new TempFolder();
        using var scope = TensorScope.Begin();
        float[] mean = [0.5f], std = [0.25f];
        // Two 1-channel 8x8 images: all 0 (pixel 127.5 -> 128) and all 2 (pixel 255).
        var values = new float[2 * 64];
        for (int i = 64; i < 128; i++) values[i] = 2;
        var path = runs.PathOf("train_batch0.jpg");
        ClassificationPictures.ClassGrid(Tensor.From(values, 2, 1, 8, 8), Tensor.From(new long[] { 1, 0 }), ["bottom", "top-left"], mean, std)(path);
        using var grid = SKBitmap.Decode(path);
        // Two columns of 96-pixel cells with 2-pixel borders; the images fill their cells.
        Assert.Equal(2 * 96 + 3 * 2, grid.Width);
        var first = grid.GetPixel(2 + 48, 2 + 48);
        var second = grid.GetPixel(2 + 96 + 2 + 48, 2 + 48);
        Assert.InRange(first.Red, 124, 132);
        Assert.InRange(second.Red, 250, 255);
    }

    [Fact]
    public void Top_one_captions_name_the_most_probable_class_with_its_softmax_probability()
    {
        using var scope = TensorScope.Begin();
        // Row 0: logits (0, ln 3) -> "dog 0.75"; row 1: (2, 0) -> cat with e^2 / (e^2 + 1) = 0.88.
        var captions = ClassificationPictures.TopOneCaptions(Tensor.From(new float[] { 0, MathF.Log(3), 2, 0 }, 2, 2), ["cat", "dog"]);
        Assert.Equal(["dog 0.75", "cat 0.88"], captions);
        var error = Assert.Throws<ArgumentException>(() => ClassificationPictures.TopOneCaptions(Tensor.From(new float[3], 1, 3), ["cat", "dog"]));
        Assert.Contains("(N, 2)", error.Message);
    }

    [Fact]
    public void Pictures_leak_no_tensors()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        long before = Tensor.LiveCount;
        var warnings = new List<string>();
        using (var trainer = Trainer.Create(TrainingSetup.Tiny(data.Root, runs.Root, epochs: 1) with { Ema = true }, [new RunPictures(warnings.Add)]))
        {
            trainer.Train();
            Assert.True(File.Exists(Path.Combine(trainer.RunDirectory, "val_batch0_pred.jpg")));   // the EMA model ran
        }
        Assert.Empty(warnings);
        Assert.Equal(before, Tensor.LiveCount);
    }

    /// <summary>Each validation's evaluator, as the trainer hands it to the callbacks.</summary>
    public sealed class EvaluatorRecorder : ITrainerCallback
    {
        public List<object> Seen { get; } = [];

        public void OnValidationEnd(Trainer trainer, int epoch, IEvaluation evaluation) => Seen.Add(evaluation.Evaluator);
    }
}
