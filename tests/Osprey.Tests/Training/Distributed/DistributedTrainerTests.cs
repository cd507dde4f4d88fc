using Osprey.Tests.Data;
using Osprey.Torch.Serialization;
using Osprey.Training;

namespace Osprey.Tests.Training.Distributed;

/// <summary>
/// The real <see cref="Trainer"/> on 2 ranks x batch 3 against 1 process x batch 6 (synchronized batch norm, so the
/// statistics agree): the same weights, running statistics and validation numbers, one run folder written by rank 0.
/// </summary>
public class DistributedTrainerTests
{
    // Float32 sums of the same terms in another order (the ranks' halves, then the all-reduce): a few ulps a step.
    const double Rtol = 1e-4, Atol = 1e-6;

    static TrainOptions Classification(string data, string project) => TrainingSetup.Tiny(data, project, epochs: 2) with
    {
        Optimizer = OptimizerKind.Sgd, Lr0 = 0.05, Momentum = 0.9, WeightDecay = 5e-4, SyncBn = true, Ema = true, EmaDecay = 0.9, EmaTau = 5,
    };

    /// <summary>Every tensor of a checkpoint's model part (model and EMA) as floats, by name.</summary>
    internal static Dictionary<string, float[]> Weights(string checkpoint)
    {
        using var scope = TensorScope.Begin();
        using var c = TrainingCheckpoint.Load(checkpoint);
        return c.Model.ToDictionary(p => p.Key, p => p.Value.To(DType.Float32).ToArray<float>());
    }

    static Dictionary<string, float[]> Live(Trainer trainer)
    {
        using var scope = TensorScope.Begin();
        return trainer.Model.StateDict().ToDictionary(p => p.Key, p => p.Value.To(DType.Float32).ToArray<float>());
    }

    internal static void AssertClose(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual, string what,
                                     double rtol = Rtol, double atol = Atol)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        using var scope = TensorScope.Begin();
        foreach (var (key, e) in expected)
            Expect.Close(Tensor.From(e), Tensor.From(actual[key]), rtol, atol, $"{what}: {key}");
    }

    [Fact]
    public void TwoRanksOfBatchThreeTrainAsOneProcessOfBatchSix()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        var options = Classification(data.Root, runs.Root);
        var single = new TrainingSetup.Recorder();
        using (var trainer = Trainer.Create(options with { Name = "single" }, [single])) trainer.Train();

        var recorders = new[] { new TrainingSetup.Recorder(), new TrainingSetup.Recorder() };
        var ranks = TrainerRanks.Run(2, launch =>
        {
            using var trainer = Trainer.Create(options with { Name = "ranks" }, [recorders[launch.Rank]], launch: launch);
            Assert.Equal(3, trainer.BatchesPerEpoch);   // 9 of the 18 images per rank, 3 a step
            trainer.Train();
            return (Directory: trainer.RunDirectory, Weights: Live(trainer));
        });

        var run = Path.Combine(runs.Root, "classify", "ranks");
        Assert.All(ranks, r => Assert.Equal(run, r.Directory));   // rank 0 chose the folder; every rank knows it
        Assert.Equal(ranks[0].Weights.Keys, ranks[1].Weights.Keys);
        foreach (var (key, w) in ranks[0].Weights) Assert.Equal(w, ranks[1].Weights[key]);   // the ranks are identical
        var singleRun = Path.Combine(runs.Root, "classify", "single");
        AssertClose(Weights(Path.Combine(singleRun, Trainer.LastCheckpoint)), Weights(Path.Combine(run, Trainer.LastCheckpoint)), "2 x 3 vs 1 x 6");

        // Rank 0 alone wrote: one folder, one results.csv row per epoch, the same numbers as the single process.
        Assert.Equal(["ranks", "single"], Directory.GetDirectories(Path.Combine(runs.Root, "classify")).Select(Path.GetFileName).Order());
        var rows = File.ReadAllLines(Path.Combine(run, Trainer.ResultsFile));
        Assert.Equal(3, rows.Length);
        Assert.True(File.Exists(Path.Combine(run, Trainer.ArgsFile)));
        Assert.Contains("sync_bn: true", File.ReadAllLines(Path.Combine(run, Trainer.ArgsFile)));
        for (int e = 0; e < 2; e++)
        {
            foreach (var (name, value) in single.Epochs[e].TrainTerms)
                Assert.Equal(value, recorders[0].Epochs[e].TrainTerms[name], 4);   // the ranks' mean loss is the global batch's
            foreach (var r in recorders)
            {
                Assert.Equal(single.Epochs[e].Metrics["metrics/accuracy_top1"], r.Epochs[e].Metrics["metrics/accuracy_top1"]);
                Assert.Equal(single.Epochs[e].Fitness, r.Epochs[e].Fitness, 6);   // rank 1 got rank 0's validation
            }
        }
    }
}

/// <summary>
/// A segmentation model the same way: UNet with synchronized batch norm, 20 SGD steps (poly schedule, momentum) of
/// 2 ranks x batch 2 against 1 process x batch 4, on scenes with no ignored pixel and no augmentation, so each rank's
/// mean cross entropy is over as many pixels and the mean of the two is the global batch's. Validation is sharded:
/// each rank runs part of the batches, and both report the single process's metrics.
/// </summary>
public class DistributedSegmentationTests
{
    sealed class ValidationBatches : ITrainerCallback
    {
        public List<int> Counts { get; } = [];
        public void OnValidationStart(Trainer trainer, int epoch, int batches) => Counts.Add(batches);
    }

    [Fact]
    public void TwoRanksOfBatchTwoTrainUNetAsOneProcessOfBatchFour()
    {
        using var dir = new TempFolder();
        var data = dir.PathOf("scenes");
        Osprey.Data.Datasets.Scenes.FashionScenes.Generate(data, new Osprey.Data.Datasets.Scenes.FashionScenesOptions
        {
            Seed = 2, TrainImages = 40, ValImages = 20, MinSize = 32, MaxSize = 32, MinObjects = 1, MaxObjects = 3, MinScale = 0.3, MaxScale = 0.7,
            CacheRoot = dir.Root, ImageFormat = "png",
        });
        var options = TrainOptions.For("segment") with
        {
            Model = "unet", Data = data, Project = dir.PathOf("runs"), Epochs = 2, Batch = 4, Imgsz = 32, Workers = 0, Seed = 4,
            ModelOptions = new ModelOptionValues([new("width", "4")]), SyncBn = true,
            ScaleMin = 1, ScaleMax = 1, Rotation = 0, Blur = 0, Fliplr = 0,
        };
        Assert.Equal(OptimizerKind.Sgd, options.Optimizer);
        var single = new TrainingSetup.Recorder();
        var singleBatches = new ValidationBatches();
        using (var trainer = Trainer.Create(options with { Name = "single" }, [single, singleBatches]))
        {
            Assert.Equal(10, trainer.BatchesPerEpoch);
            trainer.Train();
        }
        var recorders = new[] { new TrainingSetup.Recorder(), new TrainingSetup.Recorder() };
        var batches = new[] { new ValidationBatches(), new ValidationBatches() };
        var ranks = TrainerRanks.Run(2, launch =>
        {
            using var trainer = Trainer.Create(options with { Name = "ranks" }, [recorders[launch.Rank], batches[launch.Rank]], launch: launch);
            trainer.Train();
            return trainer.RunDirectory;
        });

        DistributedTrainerTests.AssertClose(DistributedTrainerTests.Weights(Path.Combine(dir.PathOf("runs"), "segment", "single", Trainer.LastCheckpoint)),
                                            DistributedTrainerTests.Weights(Path.Combine(ranks[0], Trainer.LastCheckpoint)), "2 x 2 vs 1 x 4, 20 steps",
                                            rtol: 1e-5, atol: 1e-6);   // without sync_bn: 2e-3 off after 20 steps
        // 20 validation images in batches of 8 (2 x batch): 3 batches, rank 0 the first, rank 1 the other two.
        Assert.All(singleBatches.Counts, c => Assert.Equal(3, c));
        Assert.All(batches[0].Counts, c => Assert.Equal(1, c));
        Assert.Equal(singleBatches.Counts, batches[0].Counts.Zip(batches[1].Counts, (a, b) => a + b));
        for (int e = 0; e < 2; e++)
        {
            Assert.Equal(single.Epochs[e].TrainTerms["main"], recorders[0].Epochs[e].TrainTerms["main"], 4);
            foreach (var r in recorders)
            {
                Assert.NotNull(r.Epochs[e].CommunicationPerStep);
                // Weights a few ulps apart can flip a near-tied pixel: one pixel moves a class's IoU by about 1e-3 / 11 of mIoU.
                foreach (var (name, value) in single.Epochs[e].Metrics) Assert.Equal(value, r.Epochs[e].Metrics[name], 3);
            }
        }
    }
}

/// <summary>A 2-rank run stopped after an epoch (asked on rank 0 only: the ranks agree) and resumed on 2 ranks ends
/// bit for bit where the uninterrupted one does; resuming it on 1 rank is refused with the count it needs.</summary>
public class DistributedResumeTests
{
    [Fact]
    public void ResumedTwoRankRunEqualsTheUninterruptedOne()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        var options = TrainingSetup.Tiny(data.Root, runs.Root, epochs: 3) with { SyncBn = true, Ema = true, EmaDecay = 0.9, EmaTau = 5, CropPad = 2, Fliplr = 0.5 };
        TrainerRanks.Run(2, launch =>
        {
            using var trainer = Trainer.Create(options with { Name = "straight" }, launch: launch);
            trainer.Train();
            return 0;
        });
        var stopped = TrainerRanks.Run(2, launch =>
        {
            using var trainer = Trainer.Create(options with { Name = "resumed" }, launch.Rank == 0 ? [new TrainingSetup.StopAfter(1)] : [], launch: launch);
            trainer.Train();
            return trainer.EpochsDone;
        });
        Assert.Equal([1, 1], stopped);
        var last = Path.Combine(runs.Root, "classify", "resumed", Trainer.LastCheckpoint);
        var single = Assert.Throws<InvalidOperationException>(() => Trainer.Resume(last));
        Assert.Contains("was trained on 2 rank(s), this run has 1; resume it with --nproc 2", single.Message);
        TrainerRanks.Run(2, launch =>
        {
            using var trainer = Trainer.Resume(last, launch: launch);
            Assert.Equal(1, trainer.EpochsDone);
            trainer.Train();
            return 0;
        });

        using var scope = TensorScope.Begin();
        using var a = Osprey.Torch.Serialization.TrainingCheckpoint.Load(Path.Combine(runs.Root, "classify", "straight", Trainer.LastCheckpoint));
        using var b = Osprey.Torch.Serialization.TrainingCheckpoint.Load(last);
        Assert.Equal(3, b.Epoch);
        Assert.Equal(a.Model.Keys.Order(), b.Model.Keys.Order());
        foreach (var (key, t) in a.Model)
            Assert.True(t.ToBytes().AsSpan().SequenceEqual(b.Model[key].ToBytes()), $"{key} differs between the resumed and the uninterrupted run");
        foreach (var (key, t) in a.Optimizer!.Tensors)
            Assert.True(t.ToBytes().AsSpan().SequenceEqual(b.Optimizer!.Tensors[key].ToBytes()), $"optimizer {key} differs");
        static string[] WithoutTime(string path) =>
            File.ReadAllLines(path).Select(l => string.Join(",", l.Split(',').Where((_, i) => i != 1))).ToArray();
        Assert.Equal(WithoutTime(Path.Combine(runs.Root, "classify", "straight", Trainer.ResultsFile)),
                     WithoutTime(Path.Combine(runs.Root, "classify", "resumed", Trainer.ResultsFile)));
    }
}
