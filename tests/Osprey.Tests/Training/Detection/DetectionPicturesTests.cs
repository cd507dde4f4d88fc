using Osprey.Data;
using Osprey.Data.Datasets;
using Osprey.Data.Datasets.Detection;
using Osprey.Data.Datasets.Scenes;
using Osprey.Metrics.Detection;
using Osprey.Models.Detection.Detr;
using Osprey.Tests.Data;
using Osprey.Torch;
using Osprey.Training;
using Osprey.Training.Detection;
using Osprey.Training.Pictures;
using Osprey.Visuals;
using Osprey.Visuals.Plots;
using ScottPlot.Plottables;
using SkiaSharp;

namespace Osprey.Tests.Training.Detection;

public class DetectionPicturesTests
{
    static readonly string[] RunFiles = ["args.yaml", "results.csv", "last.ckpt", "results.png", "report.html", "labels.jpg",
        "train_batch0.jpg", "train_batch1.jpg", "train_batch2.jpg", "val_batch0_labels.jpg", "val_batch0_pred.jpg",
        "confusion_matrix.png", "confusion_matrix_normalized.png"];

    /// <summary>Each validation's evaluator and whether the epoch was the best.</summary>
    sealed class Seen : ITrainerCallback
    {
        public List<object> Evaluators { get; } = [];
        public List<bool> Best { get; } = [];
        public void OnValidationEnd(Trainer trainer, int epoch, IEvaluation evaluation) => Evaluators.Add(evaluation.Evaluator);
        public void OnEpochEnd(Trainer trainer, EpochSummary summary) => Best.Add(summary.IsBest);
    }

    static (string Run, Seen Seen, List<string> Warnings) Train(TrainOptions options)
    {
        var warnings = new List<string>();
        var seen = new Seen();
        using var trainer = Trainer.Create(options, [seen, new RunPictures(warnings.Add)]);
        trainer.Train();
        return (trainer.RunDirectory, seen, warnings);
    }

    static void AssertFiles(string run, IEnumerable<string> expected)
    {
        Assert.Equal(expected.Order(StringComparer.Ordinal), Directory.GetFiles(run).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var html = File.ReadAllText(Path.Combine(run, "report.html"));
        foreach (var picture in expected.Where(f => f.EndsWith(".png") || f.EndsWith(".jpg")))
        {
            using (var bitmap = SKBitmap.Decode(Path.Combine(run, picture))) Assert.True(bitmap is { Width: > 0, Height: > 0 }, picture);
            Assert.Contains($"<img src=\"{picture}\"", html);
        }
    }

    [Fact]
    public void A_tiny_yolo_run_leaves_the_ultralytics_pictures_and_report_shows_them()
    {
        using var cache = new TempFolder();
        using var runs = new TempFolder();
        var yaml = Path.Combine(FashionScenes.Ensure(new FashionScenesOptions
        {
            Seed = 5, TrainImages = 12, ValImages = 4, MinSize = 64, MaxSize = 96, MinObjects = 2, MaxObjects = 4,
            MinScale = 0.25, MaxScale = 0.6, CacheRoot = cache.Root, ImageFormat = "png",
        }), "data.yaml");
        var (run, seen, warnings) = Train(TrainOptions.For("detect", "yolo11n") with
        {
            Data = yaml, Project = runs.Root, Epochs = 1, Batch = 4, Imgsz = 64, Workers = 0, Seed = 1,
        });
        Assert.Empty(warnings);
        // The curves exist when some detection matched (ultralytics computes none otherwise).
        var evaluator = Assert.IsType<YoloEvaluator>(Assert.Single(seen.Evaluators));
        string[] curves = evaluator.Result.Curves != null ? ["PR_curve.png", "F1_curve.png", "P_curve.png", "R_curve.png"] : [];
        AssertFiles(run, [.. RunFiles, .. curves, .. seen.Best[0] ? ["best.ckpt"] : Array.Empty<string>()]);
    }

    [Fact]
    public void A_tiny_detr_run_leaves_the_batches_labels_confusion_matrices_and_curves()
    {
        using var work = new TempFolder();
        var scenes = Path.Combine(work.Root, "scenes");
        FashionScenes.Generate(scenes, new FashionScenesOptions { TrainImages = 6, ValImages = 3, MinSize = 64, MaxSize = 80, MinObjects = 1, MaxObjects = 2, MinScale = 0.3, MaxScale = 0.5 });
        var (run, seen, warnings) = Train(new TrainOptions
        {
            Task = "detect", Model = "detr-r18-light", Data = Path.Combine(scenes, "annotations", "instances_train.json"), Epochs = 1, Batch = 2,
            Imgsz = 64, Workers = 0, Project = work.PathOf("runs"),
        });
        Assert.Empty(warnings);
        var evaluator = Assert.IsType<DetrEvaluator>(Assert.Single(seen.Evaluators));
        string[] curves = evaluator.Curves.Compute().Curves != null ? ["PR_curve.png", "F1_curve.png", "P_curve.png", "R_curve.png"] : [];
        AssertFiles(run, [.. RunFiles, .. curves, .. seen.Best[0] ? ["best.ckpt"] : Array.Empty<string>()]);
    }

    [Fact]
    public void Detr_curves_come_from_every_query_against_the_non_crowd_objects()
    {
        using var scope = TensorScope.Begin();
        // One 100 x 100 image, a class-0 object at (20, 20, 60, 60) and a crowd region; query 0 finds the object,
        // query 1 (class 1) nothing, query 2 (class 0) the crowd region.
        var annotations = new BoxAnnotations(7, 100, 100, [20, 20, 60, 60, 70, 70, 90, 90], [0, 0], [false, true], [1600, 400], [1, 2]);
        using var batch = new Batch(0, [0], ["a.png"], ImageBatch.FromTensor(Tensor.Zeros([1, 3, 100, 100])), Tensor.From(new long[] { -1 }, 1),
                                    null, null, null) { Annotations = [annotations] };
        var logits = Tensor.From(new float[] { 4, 0, 0, 0, 1, 0, 2, 0, 0 }, 1, 3, 3);
        var boxes = Tensor.From(new float[] { 0.4f, 0.4f, 0.4f, 0.4f, 0.1f, 0.9f, 0.1f, 0.1f, 0.8f, 0.8f, 0.2f, 0.2f }, 1, 3, 4);
        var evaluator = new DetrEvaluator(2);
        evaluator.Add(new DetrOutput(logits, boxes, []), batch);
        var result = evaluator.Curves.Compute();
        var curves = Assert.IsType<UltralyticsApResult>(result.Curves);
        Assert.Equal([0], curves.Classes);   // only class 0 has labels
        // The match ranks first: precision 1 at every recall below 1 (the grid's last point meets the sentinel), AP50 as ultralytics interpolates it (101 points, sentinel).
        Assert.Equal(1, curves.PrecisionAtRecall[0, 500]);
        Assert.Equal(1, curves.PrecisionAtRecall[0, 998]);
        Assert.Equal(0.995, curves.AP[0, 0], 1e-9);
        Assert.Equal(1, result.Instances);
    }

    [Fact]
    public void Box_edges_have_the_class_colour_and_the_inside_is_untouched()
    {
        using var scope = TensorScope.Begin();
        // One grey 64 x 64 image (value 0.5 -> pixel 128) scaled to a 96-pixel tile (x 1.5): the box (8, 8, 40, 40) becomes (12, 12, 60, 60).
        var images = Tensor.Full([1, 3, 64, 64], 0.5);
        var tiles = DetectionPictures.BoxTiles(images, [new PictureBoxes([8, 8, 40, 40], [3])], ["a", "b", "c", "shirt"], [0f, 0f, 0f], [1f, 1f, 1f]);
        using var tile = Assert.Single(tiles);
        Assert.Equal((96, 96), (tile.Width, tile.Height));
        using var annotator = new Annotator(tile);
        int w = (int)annotator.LineWidth;
        var colour = Palette.Color(3);
        foreach (var (x, y) in new[] { (12, 40), (12 + w - 1, 40), (59, 40), (59 - w + 1, 40), (40, 59), (40, 59 - w + 1) })
            Assert.Equal(colour, tile.GetPixel(x, y).WithAlpha(255));
        var grey = new SKColor(128, 128, 128);
        foreach (var (x, y) in new[] { (12 + w + 1, 50), (59 - w - 1, 50), (40, 59 - w - 1), (11, 40), (60, 40), (40, 60) })
            Assert.Equal(grey, tile.GetPixel(x, y));
    }

    [Fact]
    public void Curve_plots_carry_ap_per_class_arrays()
    {
        // Class 0: two labels, detections TP 0.9, FP 0.8, TP 0.7 at every IoU threshold; class 1: one label, one TP at 0.6.
        var tp = new bool[4, 10];
        foreach (var d in new[] { 0, 2, 3 }) for (int t = 0; t < 10; t++) tp[d, t] = true;
        var r = UltralyticsApPerClass.Compute(tp, [0.9f, 0.8f, 0.7f, 0.6f], [0, 0, 0, 1], [0, 0, 1]);
        // Class 0's PR envelope: recall (0, .5, .5, 1, 1) with precision (1, 1, 2/3, 2/3, 0): 1 up to recall 0.5, 2/3 after.
        Assert.Equal(1, r.PrecisionAtRecall[0, 250]);
        Assert.Equal(2.0 / 3, r.PrecisionAtRecall[0, 750], 1e-12);
        var plots = DetectionPictures.CurvePlots(r, ["shirt", "boot"]);
        Assert.Equal(["PR_curve.png", "F1_curve.png", "P_curve.png", "R_curve.png"], plots.Select(p => p.File));
        double[][,] sources = [r.PrecisionAtRecall, r.F1Curve, r.PrecisionCurve, r.RecallCurve];
        for (int k = 0; k < plots.Count; k++)
        {
            using var plot = plots[k].Build();
            var lines = plot.GetPlottables().OfType<Scatter>().ToList();
            Assert.Equal(3, lines.Count); // two classes and the mean
            for (int c = 0; c < 2; c++)
            {
                var points = lines[c].Data.GetScatterPoints();
                Assert.Equal(1000, points.Count);
                for (int i = 0; i < 1000; i++)
                {
                    Assert.Equal(r.Confidences[i], points[i].X);
                    Assert.Equal(sources[k][c, i], points[i].Y);
                }
            }
        }
        using var pr = plots[0].Build();
        Assert.Equal($"shirt {r.AP[0, 0]:0.000}", pr.GetPlottables().OfType<Scatter>().First().LegendText);
    }

    [Fact]
    public void Labels_come_from_the_records_through_the_task_wrappers()
    {
        var records = new[]
        {
            new DetectionRecord("a.png", 1, [0.1f, 0.2f, 0.5f, 0.6f], [1], Normalized: true),
            new DetectionRecord("b.png", 2, [10, 20, 50, 60, 0, 0, 100, 100], [0, 1], Normalized: false) { Width = 100, Height = 200, Crowd = [false, true] },
        };
        var dataset = new DetectionDataset(records, ["shirt", "boot"], "test");
        var wrapped = YoloTransforms.TrainSet(new Subset(dataset, [1, 0]), new Osprey.Data.Transforms.Detection.YoloAugment(), 64, 1);
        var boxes = TrainingLabels.Of(wrapped);
        // Record b first (the subset's order), its crowd box left out, pixels divided by (100, 200).
        Assert.Equal(2, boxes.Count);
        double[][] expected = [[0, 0.3, 0.2, 0.4, 0.2], [1, 0.3, 0.4, 0.4, 0.4]];
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal((int)expected[i][0], boxes[i].Class);
            double[] actual = [boxes[i].X, boxes[i].Y, boxes[i].Width, boxes[i].Height];
            for (int k = 0; k < 4; k++) Assert.Equal(expected[i][k + 1], actual[k], 1e-6);
        }
        var error = Assert.Throws<ArgumentException>(() => TrainingLabels.Of(new Subset(new Subset(dataset, [0]), [0])));
        Assert.Contains("not a detection dataset", error.Message);
    }
}
