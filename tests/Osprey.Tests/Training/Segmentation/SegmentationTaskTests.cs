using System.Globalization;
using Osprey.Data;
using Osprey.Data.Datasets.Scenes;
using Osprey.Data.Images;
using Osprey.Models.Segmentation;
using Osprey.Models.Segmentation.Losses;
using Osprey.Tests.Data;
using Osprey.Torch.Optim;
using Osprey.Training;
using Osprey.Training.Segmentation;

namespace Osprey.Tests.Training.Segmentation;

public class SegmentationTaskTests
{
    // 32 x 32 scenes, so the trainer's batched validation and the checkpoint's image-by-image validation see the same pixels.
    static string Scenes(TempFolder dir)
    {
        var folder = dir.PathOf("scenes");
        FashionScenes.Generate(folder, new FashionScenesOptions
        {
            Seed = 5, TrainImages = 16, ValImages = 6, MinSize = 32, MaxSize = 32, MinObjects = 1, MaxObjects = 2,
            MinScale = 0.4, MaxScale = 0.8, CacheRoot = dir.Root, ImageFormat = "png",
        });
        return folder;
    }

    static TrainOptions Tiny(string data, string project) => TrainOptions.For("segment") with
    {
        Model = "unet", Data = data, Project = project, Epochs = 5, Batch = 4, Imgsz = 32,
        ModelOptions = new ModelOptionValues([new("width", "8")]),
        Optimizer = OptimizerKind.AdamW, Lr0 = 0.01, WeightDecay = 1e-4, WarmupEpochs = 0, Workers = 0, Seed = 1,
    };

    [Fact]
    public void TrainsUNetThenValidatesAndPredictsFromTheCheckpoint()
    {
        using var dir = new TempFolder();
        var data = Scenes(dir);
        long before = Tensor.LiveCount;
        var recorder = new TrainingSetup.Recorder();
        using (var trainer = Trainer.Create(Tiny(data, dir.PathOf("runs")), [recorder]))
        {
            Assert.Equal(4, trainer.BatchesPerEpoch);   // 16 images in batches of 4
            trainer.Train();
            // The task's default schedule: poly 0.9 to 0 (lrf 0) at the last iteration.
            Assert.Equal(0.0, trainer.Optimizer.ParamGroups[0].Lr, 12);
            Assert.Equal(0.01, trainer.Optimizer.ParamGroups[0].BaseLr, 12);
        }
        Assert.Equal(5, recorder.Epochs.Count);
        var miou = recorder.Epochs.Select(e => e.Metrics["metrics/mIoU"]).ToArray();
        Assert.All(miou, v => Assert.True(double.IsFinite(v) && v is >= 0 and <= 1, $"mIoU {v}"));
        Assert.True(miou[^1] > miou[0], $"val mIoU did not improve: {string.Join(", ", miou)} (train loss {string.Join(", ", recorder.Epochs.Select(e => e.TrainTerms["main"]))})");

        var run = dir.PathOf(Path.Combine("runs", "segment", "train"));
        var rows = File.ReadAllLines(Path.Combine(run, Trainer.ResultsFile));
        Assert.Equal("epoch,time,train/main,train/dice,metrics/mIoU,metrics/mAcc,metrics/aAcc,val/main,val/dice,lr/pg0,lr/pg1", rows[0]);
        Assert.Equal(6, rows.Length);
        Assert.Contains("width: 8", File.ReadAllLines(Path.Combine(run, Trainer.ArgsFile)));

        // The best checkpoint alone: validation as the best epoch scored it, and predictions at the original size.
        int best = Array.IndexOf(miou, miou.Max());
        using (var trained = TrainedModel.Load(Path.Combine(run, Trainer.BestCheckpoint)))
        {
            Assert.Equal(SegmentationSource.SceneClasses, trained.Classes);
            var task = TaskRegistry.Get("segment", "unet");
            var report = task.Validate(trained, new ValidationRequest(Workers: 0));
            Assert.Equal("mIoU", report.Summary[0].Name);
            Assert.Equal(miou[best], report.Summary[0].Value, 3);
            Assert.Equal(11, report.PerClass.Rows.Count);
            Assert.Equal(6 * 32 * 32, report.PerClass.Rows.Sum(r => long.Parse(r[1], CultureInfo.InvariantCulture)));

            // A 50 x 30 image (wider than the 32 crop: sliding window): two val scenes side by side, cropped.
            var wide = dir.PathOf("wide.png");
            using (var scope = TensorScope.Begin())
            {
                var a = ImageCodec.Read(Path.Combine(data, "images", "val", "000000.png"), ImageReadMode.Rgb);
                var b = ImageCodec.Read(Path.Combine(data, "images", "val", "000001.png"), ImageReadMode.Rgb);
                ImageCodec.Write(wide, Tensor.Cat([a, b], 2).Narrow(1, 0, 30).Narrow(2, 0, 50).Contiguous());
            }
            var saved = dir.PathOf("predictions");
            var prediction = (SegmentationPrediction)task.Predict(trained, [wide], new PredictRequest(SaveDirectory: saved)).Single();
            Assert.Equal((30L, 50L), (prediction.Height, prediction.Width));
            Assert.Equal(1500, prediction.Areas.Sum(a => a.Pixels));
            Assert.Equal(Path.Combine(saved, "wide_mask.png"), prediction.MaskFile);
            Assert.True(File.Exists(Path.Combine(saved, "wide_overlay.jpg")));
            Assert.Equal(1500, (long)prediction.ToJson()["classes"]!.AsArray().Sum(c => (long)c!["pixels"]!));

            using var result = new Segmenter(trained).Segment(wide);
            using (var scope = TensorScope.Begin())
            {
                var written = ImageCodec.Read(prediction.MaskFile!, ImageReadMode.Indices);
                Assert.Equal([1L, 30, 50], written.Shape);
                Assert.True(written[0].Long().Equal(result.Mask.Long()), "the mask PNG's palette indices differ from the predicted classes");
            }
            Assert.Equal(prediction.Areas.Select(a => a.Pixels), result.ClassAreas);
        }
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void PspNetLogsMainAndAuxInTrainingAndMainInValidation()
    {
        using var dir = new TempFolder();
        var data = Scenes(dir);
        var options = Tiny(data, dir.PathOf("runs")) with { Model = "pspnet-r18", ModelOptions = ModelOptionValues.Empty, Epochs = 1 };
        var recorder = new TrainingSetup.Recorder();
        using (var trainer = Trainer.Create(options, [recorder]))
            trainer.Train();
        var summary = recorder.Epochs.Single();
        Assert.True(double.IsFinite(summary.TrainTerms["main"]) && double.IsFinite(summary.TrainTerms["aux"]));
        Assert.True(double.IsFinite(summary.ValTerms["main"]));
        Assert.True(double.IsNaN(summary.ValTerms["aux"]));   // the aux head does not run in eval
        var rows = File.ReadAllLines(dir.PathOf(Path.Combine("runs", "segment", "train", Trainer.ResultsFile)));
        Assert.Equal("epoch,time,train/main,train/aux,train/dice,metrics/mIoU,metrics/mAcc,metrics/aAcc,val/main,val/aux,val/dice,lr/pg0,lr/pg1", rows[0]);
        Assert.Equal(13, rows[1].Split(',').Length);
        Assert.Equal("", rows[1].Split(',')[9]);
    }

    [Fact]
    public void AModelOfAnotherTaskOrClassificationDataIsRefusedBeforeTheRunFolder()
    {
        using var dir = new TempFolder();
        var project = dir.PathOf("runs");
        var wrongModel = Assert.Throws<OptionsException>(() => Trainer.Create(Tiny("fashion-scenes", project) with { Model = "resnet18" }));
        Assert.Equal("model", wrongModel.Key);
        Assert.Contains("resnet18 is a classify model", wrongModel.Message);
        var odd = Assert.Throws<OptionsException>(() => Trainer.Create(Tiny("fashion-scenes", project) with { Imgsz = 72 }));
        Assert.Equal("imgsz", odd.Key);
        var valid = Assert.Throws<OptionsException>(() => Trainer.Create(Tiny("fashion-scenes", project) with { Model = "unet-valid", ModelOptions = ModelOptionValues.Empty }));
        Assert.Contains("overlap-tile", valid.Message);
        var classification = Assert.Throws<DirectoryNotFoundException>(() => Trainer.Create(Tiny("fashion-mnist", project)));
        Assert.Contains("fashion-mnist", classification.Message);
        Assert.False(Directory.Exists(project));
    }

    [Fact]
    public void LossTermsFollowTheModel()
    {
        Assert.Equal(["main", "aux", "dice"], TaskRegistry.Get("segment", "pspnet-r18").LossNames);
        Assert.Equal(["main", "aux", "dice"], TaskRegistry.Get("segment", "pspnet-r50").LossNames);
        Assert.Equal(["main", "dice"], TaskRegistry.Get("segment", "unet").LossNames);
        Assert.Equal(0.01, TaskRegistry.Get("segment", "unet").DefaultLr(new TrainOptions { Task = "segment", Model = "unet" }));
        Assert.Equal(["metrics/mIoU", "metrics/mAcc", "metrics/aAcc"], TaskRegistry.Get("segment", "unet").MetricNames);

        // In eval a PSPNet runs no aux head: the term is reported as NaN (not measured) and the total is the main loss.
        using var scope = TensorScope.Begin();
        using var batch = PadCollate.Instance.Collate(0, [0], [new Sample(Tensor.Zeros([3, 2, 2])) { Mask = Tensor.From(new byte[] { 0, 1, 1, 255 }, 2, 2) }]);
        var logits = Tensor.Zeros([1, 2, 2, 2]);
        var terms = new SegmentationCriterion(new PSPNetCriterion(), auxHead: true).Compute(new SegmentationOutput(logits, null), batch);
        Assert.Equal(["main", "aux", "dice"], terms.Terms.Select(t => t.Name));
        Assert.Equal(MathF.Log(2), terms.Total.Item<float>(), 6);
        Assert.True(float.IsNaN(terms.Terms[1].Value.Item<float>()));
        Assert.Throws<ArgumentException>(() => new SegmentationCriterion(new PSPNetCriterion(), auxHead: false)
            .Compute(new SegmentationOutput(logits, logits), batch));
    }

    [Fact]
    public void DiceWeightAndClassWeightsEnterTheTotal()
    {
        using var scope = TensorScope.Begin();
        using var batch = PadCollate.Instance.Collate(0, [0], [new Sample(Tensor.Zeros([3, 2, 2])) { Mask = Tensor.From(new byte[] { 0, 1, 1, 255 }, 2, 2) }]);
        // Pixel 0 (class 0) has logits (2, 0), the others (0, 0): cross entropies ln(1 + e^-2), ln 2, ln 2; pixel 3 is ignored.
        var logits = Tensor.From(new float[] { 2, 0, 0, 0, 0, 0, 0, 0 }, 1, 2, 2, 2);
        double sure = Math.Log(1 + Math.Exp(-2)), even = Math.Log(2);
        // Soft Dice over the 3 labelled pixels, p(class 0) = 0.881, 0.5, 0.5: 1 - 2 sum(p t) / (sum p + sum t) per class, averaged.
        double p0 = 1 / (1 + Math.Exp(-2));
        double dice = ((1 - 2 * p0 / (p0 + 1 + 1)) + (1 - 2 * 1.0 / ((1 - p0) + 1 + 2))) / 2;

        var plain = new SegmentationCriterion(new PSPNetCriterion(), auxHead: false).Compute(new SegmentationOutput(logits, null), batch);
        Assert.Equal(["main", "dice"], plain.Terms.Select(t => t.Name));
        Assert.Equal((sure + 2 * even) / 3, plain.Total.Item<float>(), 5);
        Assert.Equal(dice, plain.Terms[1].Value.Item<float>(), 5);

        var weighted = new SegmentationCriterion(new PSPNetCriterion(new SegmentationCrossEntropy([3, 1])), auxHead: false, diceWeight: 0.5)
            .Compute(new SegmentationOutput(logits, null), batch);
        Assert.Equal((3 * sure + 2 * even) / 5 + 0.5 * dice, weighted.Total.Item<float>(), 5);

        var aux = new SegmentationCriterion(new PSPNetCriterion(auxWeight: 1.5), auxHead: true).Compute(new SegmentationOutput(logits, logits), batch);
        Assert.Equal(2.5 * (sure + 2 * even) / 3, aux.Total.Item<float>(), 5);
    }

    [Fact]
    public void ClassWeightsOfTheWrongCountOrFormAreRefusedNamingTheOption()
    {
        using var dir = new TempFolder();
        var data = Scenes(dir);
        var project = dir.PathOf("runs");
        var count = Assert.Throws<OptionsException>(() => Trainer.Create(Tiny(data, project) with { ClassWeights = "0.5,1" }));
        Assert.Equal("class_weights", count.Key);
        Assert.Contains("2 weights for the 11 classes", count.Message);
        var form = Assert.Throws<OptionsException>(() => OptionsReader.Read(null, ["task=segment", "class_weights=1,x"]));
        Assert.Equal("class_weights", form.Key);
        Assert.False(Directory.Exists(project));
    }

    [Fact]
    public void WeightMapKeyReachesTheCriterion()
    {
        using var dir = new TempFolder();
        var data = Scenes(dir);
        double FirstBatchLoss(bool weightMap)
        {
            var first = new FirstBatch();
            using var trainer = Trainer.Create(Tiny(data, dir.PathOf("runs")) with { Epochs = 1, Val = false, WeightMap = weightMap, ExistOk = true, Name = "w" }, [first]);
            trainer.Train();
            return first.Loss;
        }
        // Same weights and batch; the map's weights are >= 1 and above 1 between items, so the weighted mean is larger.
        double plain = FirstBatchLoss(false), weighted = FirstBatchLoss(true);
        Assert.True(weighted > plain * 1.01, $"weight_map: first-batch loss {weighted} against {plain} without it");
    }

    sealed class FirstBatch : ITrainerCallback
    {
        public double Loss { get; private set; } = double.NaN;
        public void OnBatchEnd(Trainer trainer, BatchProgress progress)
        {
            if (double.IsNaN(Loss)) Loss = progress.Loss;
        }
    }

    [Fact]
    public void AugmentationKeysReachTheTrainingPipeline()
    {
        using var dir = new TempFolder();
        var data = Scenes(dir);
        var task = TaskRegistry.Get("segment", "unet");
        // Scale 1, no rotation, blur or flip: a 32 x 32 crop of a 32 x 32 scene is the scene, so training equals validation.
        var plain = task.LoadData(Tiny(data, dir.PathOf("runs")) with { ScaleMin = 1, ScaleMax = 1, Rotation = 0, Blur = 0, Fliplr = 0 });
        var paper = task.LoadData(Tiny(data, dir.PathOf("runs")));
        int changed = 0;
        for (int i = 0; i < 4; i++)
        {
            using var scope = TensorScope.Begin();
            var val = plain.ValTransform.Apply(plain.Train.Get(i), new Random(i));
            var train = plain.TrainTransform.Apply(plain.Train.Get(i), new Random(i));
            Assert.Equal(val.Image.ToArray<float>(), train.Image.ToArray<float>());
            Assert.Equal(val.Mask!.To(DType.Int64).ToArray<long>(), train.Mask!.To(DType.Int64).ToArray<long>());
            var augmented = paper.TrainTransform.Apply(paper.Train.Get(i), new Random(i));
            if (!augmented.Image.ToArray<float>().SequenceEqual(val.Image.ToArray<float>())) changed++;
        }
        Assert.True(changed > 0, "the paper's augmentation left every scene as it was");

        var elsewhere = Assert.Throws<OptionsException>(() => OptionsReader.Read(null, ["task=classify", "rotation=5"]));
        Assert.Equal("rotation", elsewhere.Key);
        Assert.Contains("belongs to the segment task's augmentation", elsewhere.Message);
        var range = Assert.Throws<OptionsException>(() => OptionsReader.Read(null, ["task=segment", "scale_min=2", "scale_max=1.5"]));
        Assert.Equal("scale_max", range.Key);
        Assert.Equal("blur", Assert.Throws<OptionsException>(() => OptionsReader.Read(null, ["task=segment", "blur=1.5"])).Key);
        var loss = Assert.Throws<OptionsException>(() => OptionsReader.Read(null, ["task=detect", "weight_map=true"]));
        Assert.Equal("weight_map", loss.Key);
        Assert.Contains("belongs to the segment task's loss", loss.Message);
    }

    [Fact]
    public void DefaultScheduleIsThePaperPolyWithoutWarmup()
    {
        var o = TrainOptions.For("segment");
        Assert.Equal((ScheduleKind.Poly, 0.9, 0.0, 0.0), (o.Schedule, o.Power, o.Lrf, o.WarmupEpochs));
        var schedule = ParameterGroups.CreateSchedule(o with { Lr0 = 0.01 }, totalIterations: 100, warmupIterations: 0);
        foreach (long t in new long[] { 0, 35, 60, 99, 100 })
            Assert.Equal(0.01 * Math.Pow(1 - t / 100.0, 0.9), schedule.LearningRate(0.01, t), 12);
        // A schedule the user names is honoured as given.
        Assert.IsType<CosineSchedule>(ParameterGroups.CreateSchedule(o with { Schedule = ScheduleKind.Cosine }, 100, 0));
    }
}
