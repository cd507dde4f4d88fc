using System.Security.Cryptography;
using Osprey.Data;
using Osprey.Models;
using Osprey.Torch.NN;
using Osprey.Tests.Data;
using Osprey.Training;
using Osprey.Training.Classification;

namespace Osprey.Tests.Training;

public class TrainerTests
{
    [Fact]
    public void ReachesFullTrainingAccuracyOnAnObviousSignal()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        var recorder = new TrainingSetup.Recorder();
        using (var trainer = Trainer.Create(TrainingSetup.Tiny(data.Root, runs.Root, epochs: 8), [recorder]))
        {
            Assert.Equal(Path.Combine(runs.Root, "classify", "train"), trainer.RunDirectory);
            Assert.Equal(3, trainer.BatchesPerEpoch);   // 18 images in batches of 6
            trainer.Train();
        }
        Assert.Equal(8, recorder.Epochs.Count);
        Assert.Equal(1.0, recorder.Epochs[^1].Metrics["metrics/accuracy_top1"]);
        Assert.True(recorder.Epochs[^1].TrainTerms["loss"] < recorder.Epochs[0].TrainTerms["loss"] / 2,
            $"train loss {recorder.Epochs[0].TrainTerms["loss"]} -> {recorder.Epochs[^1].TrainTerms["loss"]} did not halve");

        // The checkpoint alone rebuilds the classifier: same accuracy, class names kept.
        var run = Path.Combine(runs.Root, "classify", "train");
        using var trained = TrainedModel.Load(Path.Combine(run, Trainer.BestCheckpoint));
        Assert.Equal(TinyImageFolder.Classes, trained.Classes);
        var (metrics, _) = ClassificationValidation.Run(trained, data.Root, batch: 7, workers: 0);
        Assert.Equal(18, metrics.Count);
        Assert.Equal(1.0, metrics.Top1);
        var predictions = new Classifier(trained).Predict([data.PathOf("train/top-right/00.png"), data.PathOf("train/bottom/03.png")], topK: 2).ToList();
        Assert.Equal("top-right", predictions[0].Top[0].Name);
        Assert.Equal("bottom", predictions[1].Top[0].Name);
        Assert.Equal(2, predictions[0].Top.Count);
        // predict --save: the image with its top classes drawn, as large as the source.
        var saved = Path.Combine(runs.Root, "predicted");
        var drawn = new ClassificationTask().Predict(trained, [data.PathOf("train/bottom/03.png")], new PredictRequest(Top: 3, SaveDirectory: saved)).Single();
        using (var pictureScope = TensorScope.Begin())
            Assert.Equal(Osprey.Data.Images.ImageCodec.Read(data.PathOf("train/bottom/03.png"), Osprey.Data.Images.ImageReadMode.Rgb).Shape,
                         Osprey.Data.Images.ImageCodec.Read(Path.Combine(saved, "03.jpg"), Osprey.Data.Images.ImageReadMode.Rgb).Shape);

        // The run folder: args.yaml, one results.csv row per epoch, the next run gets "train2".
        var rows = File.ReadAllLines(Path.Combine(run, Trainer.ResultsFile));
        Assert.Equal("epoch,time,train/loss,metrics/accuracy_top1,metrics/accuracy_top5,val/loss,lr/pg0,lr/pg1", rows[0]);
        Assert.Equal(9, rows.Length);
        Assert.StartsWith("8,", rows[8]);
        var args = File.ReadAllLines(Path.Combine(run, Trainer.ArgsFile));
        Assert.Contains("width: 4", args);
        Assert.Contains("small_stem: true", args);   // resolved: 16-pixel inputs get the small stem
        Assert.Contains("imgsz: 16", args);
        Assert.Equal(Path.Combine(runs.Root, "classify", "train2"), RunFolder.Create(runs.Root, "classify", null));
        // A taken explicit name is not overwritten unless exist_ok.
        Assert.Equal(Path.Combine(runs.Root, "classify", "train3"), RunFolder.Create(runs.Root, "classify", "train"));
        Assert.Equal(Path.Combine(runs.Root, "classify", "train"), RunFolder.Create(runs.Root, "classify", "train", existOk: true));
    }

    [Fact]
    public void ResumedRunEqualsUninterruptedRunBitForBit()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        var options = TrainingSetup.Tiny(data.Root, runs.Root, epochs: 4) with { Ema = true, EmaDecay = 0.9, EmaTau = 5, CropPad = 2, Fliplr = 0.5 };

        using (var straight = Trainer.Create(options with { Name = "straight" })) straight.Train();

        using (var first = Trainer.Create(options with { Name = "resumed" }, [new TrainingSetup.StopAfter(2)]))
        {
            first.Train();
            Assert.Equal(2, first.EpochsDone);
        }
        var resumedRun = Path.Combine(runs.Root, "classify", "resumed");
        var recorder = new TrainingSetup.Recorder();
        using (var second = Trainer.Resume(Path.Combine(resumedRun, Trainer.LastCheckpoint), [recorder]))
        {
            Assert.Equal(2, second.EpochsDone);
            second.Train();
        }
        Assert.Equal([3, 4], recorder.Epochs.Select(e => e.Epoch));

        using var scope = TensorScope.Begin();
        using var a = Osprey.Torch.Serialization.TrainingCheckpoint.Load(Path.Combine(runs.Root, "classify", "straight", Trainer.LastCheckpoint));
        using var b = Osprey.Torch.Serialization.TrainingCheckpoint.Load(Path.Combine(resumedRun, Trainer.LastCheckpoint));
        Assert.Equal(4, b.Epoch);
        Assert.Equal(a.Iteration, b.Iteration);
        Assert.Equal(a.Model.Keys.Order(), b.Model.Keys.Order());
        Assert.Contains(a.Model.Keys, k => k.StartsWith("ema.", StringComparison.Ordinal));
        foreach (var (key, t) in a.Model)
            Assert.True(t.ToBytes().AsSpan().SequenceEqual(b.Model[key].ToBytes()), $"{key} differs between the resumed and the uninterrupted run");
        foreach (var (key, t) in a.Optimizer!.Tensors)
            Assert.True(t.ToBytes().AsSpan().SequenceEqual(b.Optimizer!.Tensors[key].ToBytes()), $"optimizer {key} differs");
        // Every column but the time spent.
        static string[] WithoutTime(string path) =>
            File.ReadAllLines(path).Select(l => string.Join(",", l.Split(',').Where((_, i) => i != 1))).ToArray();
        Assert.Equal(WithoutTime(Path.Combine(runs.Root, "classify", "straight", Trainer.ResultsFile)),
                     WithoutTime(Path.Combine(resumedRun, Trainer.ResultsFile)));
    }

    [Fact]
    public void NanLossStopsWithAMessageAndLeavesTheLastCheckpointIntact()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        byte[]? afterFirstEpoch = null;
        var recorder = new TrainingSetup.Recorder
        {
            AtEpochEnd = (t, s) => afterFirstEpoch ??= SHA256.HashData(File.ReadAllBytes(Path.Combine(t.RunDirectory, Trainer.LastCheckpoint))),
        };
        // Batches 1-3 are epoch 1; the 5th step (epoch 2, batch 2) produces NaN.
        var task = new NanAfter(new ClassificationTask(), steps: 4);
        using var trainer = Trainer.Create(TrainingSetup.Tiny(data.Root, runs.Root, epochs: 3), [recorder], task);
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Train());
        Assert.Contains("the loss is NaN at epoch 2/3, batch 2/3", e.Message);
        var last = Path.Combine(trainer.RunDirectory, Trainer.LastCheckpoint);
        Assert.Contains($"{last} (epoch 1), is intact", e.Message);
        Assert.Single(recorder.Epochs);
        Assert.Equal(afterFirstEpoch, SHA256.HashData(File.ReadAllBytes(last)));
        using var reloaded = TrainedModel.Load(last);
        Assert.Equal(1, reloaded.Epoch);
    }

    [Fact]
    public void AnEpochLeaksNoTensors()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        long before = Tensor.LiveCount;
        var counts = new List<long>();
        var recorder = new TrainingSetup.Recorder { AtEpochEnd = (_, _) => counts.Add(Tensor.LiveCount) };
        using (var trainer = Trainer.Create(TrainingSetup.Tiny(data.Root, runs.Root, epochs: 3) with { Ema = true }, [recorder]))
            trainer.Train();
        // Epoch 1 creates the optimizer's state; after that an epoch (steps, EMA, validation, checkpoints) adds nothing.
        Assert.Equal(counts[1], counts[2]);
        Assert.Equal(counts[0], counts[1]);
        Assert.Equal(before, Tensor.LiveCount);
    }

    /// <summary>The classification task, except that the training loss becomes NaN after a number of steps.</summary>
    sealed class NanAfter(ITrainingTask inner, int steps) : DelegatingTask(inner)
    {
        int calls;

        protected override LossTerms Change(LossTerms loss) =>
            ++calls > steps ? LossTerms.Single(loss.Total * double.NaN) : loss;
    }
}
