using Osprey.Data.Datasets.Detection;
using Osprey.Data.Datasets.Scenes;
using Osprey.Data.Images;
using Osprey.Metrics.Detection;
using Osprey.Tests.Data;
using Osprey.Torch;
using Osprey.Training;
using Osprey.Training.Detection;

namespace Osprey.Tests.Training.Detection;

public class YoloTaskTests
{
    static string SmallScenes(string cache) => Path.Combine(FashionScenes.Ensure(new FashionScenesOptions
    {
        Seed = 5, TrainImages = 8, ValImages = 4, MinSize = 64, MaxSize = 96, MinObjects = 2, MaxObjects = 4,
        MinScale = 0.25, MaxScale = 0.6, CacheRoot = cache, ImageFormat = "png",
    }), "data.yaml");

    static TrainOptions Tiny(string yaml, string project) => TrainOptions.For("detect", "yolo11n") with
    {
        Data = yaml, Project = project, Epochs = 2, Batch = 4, Imgsz = 64, Workers = 0, Seed = 1,
    };

    /// <summary>Each iteration's lr per parameter group, read after the step policy set it.</summary>
    sealed class LrRecorder : ITrainerCallback
    {
        public List<double[]> Lrs { get; } = [];
        public List<long> LiveAtEpochEnd { get; } = [];

        public void OnBatchEnd(Trainer trainer, BatchProgress progress) => Lrs.Add(trainer.Optimizer.ParamGroups.Select(g => g.Lr).ToArray());

        public void OnEpochEnd(Trainer trainer, EpochSummary summary) => LiveAtEpochEnd.Add(Tensor.LiveCount);
    }

    [Fact]
    public void TrainsValidatesAndPredictsEndToEnd()
    {
        using var cache = new TempFolder();
        using var runs = new TempFolder();
        var yaml = SmallScenes(cache.Root);
        var recorder = new LrRecorder();
        string run;
        using (var trainer = Trainer.Create(Tiny(yaml, runs.Root), [recorder]))
        {
            Assert.IsType<YoloTask>(trainer.Task);
            Assert.Equal(2, trainer.BatchesPerEpoch);   // 8 images in batches of 4
            run = trainer.RunDirectory;
            trainer.Train();
        }

        // results.csv in ultralytics' layout, every loss finite and positive (every scene holds objects).
        var rows = File.ReadAllLines(Path.Combine(run, Trainer.ResultsFile));
        Assert.Equal("epoch,time,train/box_loss,train/cls_loss,train/dfl_loss,metrics/precision(B),metrics/recall(B),metrics/mAP50(B)," +
                     "metrics/mAP50-95(B),val/box_loss,val/cls_loss,val/dfl_loss,lr/pg0,lr/pg1,lr/pg2", rows[0]);
        Assert.Equal(3, rows.Length);
        foreach (var row in rows[1..])
        {
            var v = row.Split(',').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            foreach (int c in new[] { 2, 3, 4, 9, 10, 11 }) Assert.True(double.IsFinite(v[c]) && v[c] > 0, $"loss column {c} = {v[c]} in '{row}'");
            foreach (int c in new[] { 5, 6, 7, 8 }) Assert.InRange(v[c], 0, 1);
        }
        // No tensor outlives an epoch: epoch 2 ends with the live count epoch 1 ended with.
        Assert.Equal(2, recorder.LiveAtEpochEnd.Count);
        Assert.Equal(recorder.LiveAtEpochEnd[0], recorder.LiveAtEpochEnd[1]);

        // ultralytics' warm-up for this short run: auto picks AdamW at round(0.002 * 5 / (4 + 10), 6), warm-up bias lr 0;
        // nw = max(round(3 * 2), 100) = 100, so every group's lr is lr0 * lf(epoch) * i / 100 at global iteration i.
        Assert.Equal(4, recorder.Lrs.Count);
        double lr0 = Math.Round(0.002 * 5 / 14, 6);
        for (int i = 0; i < 4; i++)
        {
            int epoch = i / 2;
            double expected = lr0 * ((1 - epoch / 2.0) * (1 - 0.01) + 0.01) * i / 100;
            for (int g = 0; g < 3; g++) Assert.Equal(expected, recorder.Lrs[i][g], 15);
        }

        using var trained = TrainedModel.Load(Path.Combine(run, Trainer.LastCheckpoint));
        var task = TaskRegistry.Get("detect", trained.Info.Model);

        // Validation: ultralytics' table and the 12 COCO statistics over the 4 val scenes.
        var val = YoloDataset.Open(yaml, "val");
        int instances = val.Records.Sum(r => r.Count);
        var report = task.Validate(trained, new ValidationRequest(Batch: 3));
        Assert.Equal(["class", "images", "instances", "P", "R", "mAP50", "mAP50-95"], report.PerClass.Columns);
        Assert.Equal(["all", "4", instances.ToString()], report.PerClass.Rows[0].Take(3));
        Assert.Equal(instances, report.PerClass.Rows.Skip(1).Sum(r => int.Parse(r[2])));
        Assert.Equal(4 + 1 + 12 + 4 + 3, report.Summary.Count);
        Assert.Equal(["occluded/objects", "occluded/AP", "occluded/AP50", "occluded/AR100"], report.Summary.Skip(17).Take(4).Select(m => m.Name));
        Assert.Equal(CocoEvaluation.StatNames.Select(n => "coco/" + n), report.Summary.Skip(5).Take(12).Select(m => m.Name));
        Assert.All(report.Summary.Skip(5).Take(12), m => Assert.InRange(m.Value, -1, 1));
        Assert.Contains("Speed:", report.Headline);

        // Prediction: boxes in the original image's pixels, an annotated image and a YOLO txt per input.
        using var saved = new TempFolder();
        var files = val.Records.Take(2).Select(r => r.ImagePath).ToArray();
        var request = new PredictRequest(BatchSize: 1, SaveDirectory: saved.Root) { Confidence = 0.0001, SaveTxt = true };
        var predictions = task.Predict(trained, files, request).Cast<DetectionPrediction>().ToList();
        Assert.Equal(files, predictions.Select(p => p.Source));
        foreach (var p in predictions)
        {
            using var scope = TensorScope.Begin();
            var source = ImageCodec.Read(p.Source, ImageReadMode.Rgb);
            long width = source.Size(2), height = source.Size(1);
            Assert.NotEmpty(p.Objects);   // conf 0.0001: an untrained head still scores above it somewhere
            Assert.All(p.Objects, o => Assert.True(o.X0 >= 0 && o.Y0 >= 0 && o.X1 <= width && o.Y1 <= height && o.X0 <= o.X1 && o.Y0 <= o.Y1,
                                                   $"box {o} outside {width}x{height}"));
            var name = Path.GetFileNameWithoutExtension(p.Source);
            var drawn = ImageCodec.Read(Path.Combine(saved.Root, name + ".jpg"), ImageReadMode.Rgb);
            Assert.Equal(source.Shape, drawn.Shape);
            Assert.Equal(p.Objects.Count, File.ReadAllLines(Path.Combine(saved.Root, "labels", name + ".txt")).Length);
            Assert.Equal(p.Objects.Count, p.ToJson()["detections"]!.AsArray().Count);
        }
        // The C# API gives the same objects for one file (both ran it alone in a batch).
        var single = new YoloDetector(trained, request).Detect(files[0]);
        Assert.Equal(predictions[0].Objects, single.Objects);
    }

    [Fact]
    public void ClassificationModelIsRefusedForDetectBeforeAnyFolderExists()
    {
        using var cache = new TempFolder();
        var project = Path.Combine(cache.Root, "runs");
        var e = Assert.Throws<OptionsException>(() => Trainer.Create(Tiny("does-not-matter.yaml", project) with { Model = "resnet18" }));
        Assert.Equal("model", e.Key);
        Assert.Contains("classify model", e.Message);
        Assert.Contains("yolo11n", e.Message);
        Assert.False(Directory.Exists(project));
    }

    [Fact]
    public void BadDataSpecsNameWhatWasExpected()
    {
        using var folder = new TempFolder();
        var missing = Assert.Throws<FileNotFoundException>(() => YoloData.Open(folder.PathOf("nope.yaml")));
        Assert.Contains("nope.yaml' does not exist", missing.Message);
        var isFolder = Assert.Throws<FileNotFoundException>(() => YoloData.Open(folder.Root));
        Assert.Contains("is a folder", isFolder.Message);
        var noTrain = folder.Write("annotations/instances_all.json", "{}"u8.ToArray());
        Assert.Contains("must contain 'train'", Assert.Throws<ArgumentException>(() => YoloData.Open(noTrain)).Message);
        var noVal = folder.Write("annotations/instances_train.json", "{}"u8.ToArray());
        var e = Assert.Throws<FileNotFoundException>(() => YoloData.Open(noVal));
        Assert.Equal(folder.PathOf("annotations/instances_val.json"), e.FileName);
        var text = folder.Write("data.txt", "x"u8.ToArray());
        Assert.Contains("expected a .yaml/.yml dataset file, a .json COCO instances file or a dlib imglab .xml file", Assert.Throws<InvalidDataException>(() => YoloData.Open(text)).Message);
    }
}
