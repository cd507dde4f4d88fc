using Osprey.Data.Datasets.Scenes;
using Osprey.Metrics;
using Osprey.Tests.Data;
using Osprey.Torch;
using Osprey.Training;
using Osprey.Training.Pictures;
using Osprey.Training.Segmentation;
using Osprey.Visuals;
using Osprey.Visuals.Plots;
using ScottPlot.Plottables;
using SkiaSharp;

namespace Osprey.Tests.Training.Segmentation;

public class SegmentationPicturesTests
{
    [Fact]
    public void Overlay_pixels_are_the_alpha_blend_of_the_palette_colour_and_ignored_pixels_are_untouched()
    {
        using var scope = TensorScope.Begin();
        // A 16 x 16 image of pixel value 100 (0.4 with mean 0, std 1 -> 102); class 2 in rows 2..9, columns 2..9, ignore
        // (255) in the last three rows, class 0 elsewhere. The outlines are antialiased strokes centred on the region
        // boundaries, so the pixels checked are two or more away from them.
        var images = Tensor.Full([1, 3, 16, 16], 0.4);
        var mask = new long[256];
        for (int y = 2; y < 10; y++) for (int x = 2; x < 10; x++) mask[y * 16 + x] = 2;
        for (int y = 13; y < 16; y++) for (int x = 0; x < 16; x++) mask[y * 16 + x] = 255;
        var colours = Segmenter.Colours(Osprey.Data.Images.Rgb.VocColormap(3));
        var tiles = SegmentationPictures.MaskTiles(images, Tensor.From(mask, 1, 16, 16), [0f, 0f, 0f], [1f, 1f, 1f], colours);
        using var tile = Assert.Single(tiles);
        static byte Blend(byte image, byte colour) => (byte)Math.Round(image + SegmentationPictures.Alpha * (colour - image), MidpointRounding.AwayFromZero);
        byte v = 102;
        var (two, zero) = (colours[2], colours[0]);
        Assert.Equal(new SKColor(Blend(v, two.Red), Blend(v, two.Green), Blend(v, two.Blue)), tile.GetPixel(5, 5));   // inside class 2, off its outline
        Assert.Equal(new SKColor(Blend(v, zero.Red), Blend(v, zero.Green), Blend(v, zero.Blue)), tile.GetPixel(13, 5)); // class 0
        Assert.Equal(new SKColor(v, v, v), tile.GetPixel(8, 15));                                                     // ignored
    }

    [Fact]
    public void Iou_bars_and_confusion_matrices_come_from_the_evaluator()
    {
        using var scope = TensorScope.Begin();
        var evaluator = new SegmentationEvaluator(3);
        evaluator.Confusion.Add(Tensor.From(new long[] { 0, 0, 1, 1, 2, 2 }, 1, 2, 3), Tensor.From(new long[] { 0, 1, 1, 1, 2, 0 }, 1, 2, 3));
        var data = new Osprey.Training.TaskData(null!, null, null!, null!, ["sky", "road", "tree"], 3, 32, [0f], [1f], "test");
        var pictures = new SegmentationPictures(data);
        using var folder = new TempFolder();
        var files = pictures.EvaluationPictures(evaluator);
        Assert.Equal(["iou_per_class.png", "confusion_matrix.png", "confusion_matrix_normalized.png"], files.Select(f => f.File));
        foreach (var (file, write) in files) write(folder.PathOf(file));
        foreach (var (file, _) in files)
            using (var bitmap = SKBitmap.Decode(folder.PathOf(file))) Assert.True(bitmap is { Width: > 0 }, file);
        // IoU: sky 1/3 (predicted at pixels {0, 1}, labelled at {0, 5}), road 2/3, tree 1/2.
        var iou = evaluator.Confusion.Scores().Iou;
        double[] expected = [1.0 / 3, 2.0 / 3, 1.0 / 2];
        for (int c = 0; c < 3; c++) Assert.Equal(expected[c], iou[c], 1e-12);
        using var bars = IouBarChart.Build(iou, data.Classes);
        Assert.Equal(iou, bars.GetPlottables().OfType<BarPlot>().Single().Bars.Select(b => b.Value));
        var table = Assert.Single(pictures.Tables(evaluator));
        Assert.Equal(["sky", "2", "33.33%", "50.00%"], table.Rows[0]);
    }

    [Fact]
    public void A_tiny_segment_run_leaves_the_mask_batches_iou_bars_and_confusion_matrices()
    {
        using var dir = new TempFolder();
        var folder = dir.PathOf("scenes");
        FashionScenes.Generate(folder, new FashionScenesOptions
        {
            Seed = 5, TrainImages = 12, ValImages = 4, MinSize = 32, MaxSize = 32, MinObjects = 1, MaxObjects = 2,
            MinScale = 0.4, MaxScale = 0.8, CacheRoot = dir.Root, ImageFormat = "png",
        });
        var warnings = new List<string>();
        var recorder = new TrainingSetup.Recorder();
        string run;
        using (var trainer = Trainer.Create(new TrainOptions
        {
            Task = "segment", Model = "unet", Data = folder, Project = dir.PathOf("runs"), Epochs = 1, Batch = 4, Imgsz = 32,
            ModelOptions = new ModelOptionValues([new("width", "8")]), Workers = 0, Seed = 1,
        }, [recorder, new RunPictures(warnings.Add)]))
        {
            run = trainer.RunDirectory;
            trainer.Train();
        }
        Assert.Empty(warnings);
        string[] expected = ["args.yaml", "results.csv", "last.ckpt", "results.png", "report.html", "train_batch0.jpg", "train_batch1.jpg",
            "train_batch2.jpg", "val_batch0_labels.jpg", "val_batch0_pred.jpg", "iou_per_class.png", "confusion_matrix.png", "confusion_matrix_normalized.png",
            .. recorder.Epochs[0].IsBest ? ["best.ckpt"] : Array.Empty<string>()];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Directory.GetFiles(run).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var html = File.ReadAllText(Path.Combine(run, "report.html"));
        foreach (var picture in expected.Where(f => f.EndsWith(".png") || f.EndsWith(".jpg")))
            Assert.Contains($"<img src=\"{picture}\"", html);
        Assert.Contains("Per-class IoU (validation)", html);
    }
}
