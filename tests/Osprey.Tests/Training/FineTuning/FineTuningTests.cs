using Osprey.Tests.Data;
using Osprey.Torch.Serialization;
using Osprey.Training;
using Osprey.Training.FineTuning;

namespace Osprey.Tests.Training.FineTuning;

/// <summary>
/// The <c>weights</c>, <c>freeze</c> and <c>patience</c> options: a torchvision ResNet-18 saved by Debian's PyTorch starts
/// a 3-class run (its 1000-class head reported, everything else equal to the file before the first step), frozen layers
/// stay bit-identical through training (batch-norm statistics included), an Osprey checkpoint of another run starts a
/// run from its weights, and early stopping ends a run at the epoch ultralytics' rule gives.
/// </summary>
public class FineTuningTests
{
    static TrainOptions Resnet18(string data, string project, int epochs = 1) => TrainingSetup.Tiny(data, project, epochs) with
    {
        Imgsz = 32, Batch = 9, ModelOptions = new ModelOptionValues([new("small_stem", "false")]),
    };

    [Fact]
    public void TorchvisionWeightsStartARunWithAnotherClassCountAndFrozenLayersStayEqual()
    {
        using var scope = TensorScope.Begin();
        var file = Path.Combine(ReferenceOutputs.Folder("models_part1.py"), "resnet18.pth");
        var saved = TorchLoad.LoadStateDict(file);
        using var images = new TinyImageFolder();
        using var runs = new TempFolder();
        var options = Resnet18(images.Root, runs.Root, epochs: 2) with { Weights = file, Freeze = "conv1,bn1,layer1" };
        var atStart = new Dictionary<string, Tensor>();
        using var trainer = Trainer.Create(options, [new AtFirstBatch(t => { foreach (var (k, v) in t.Model.StateDict()) atStart[k] = scope.Keep(v.Clone()); })]);

        var transfer = trainer.Transfer!;
        Assert.Equal(file, transfer.Source);
        Assert.Equal(saved.Count - 2, transfer.Loaded);
        Assert.Equal(["fc.bias", "fc.weight"], transfer.Report.ShapeMismatches.Select(m => m.Key).Order());
        Assert.Empty(transfer.Report.MissingKeys);
        Assert.Equal(["conv1", "bn1", "layer1"], trainer.Frozen);
        Assert.StartsWith($"transferred {saved.Count - 2}/{saved.Count} tensors from {file}", transfer.ToString());
        trainer.Train();

        Assert.Equal(saved.Count, atStart.Count);
        foreach (var (key, value) in saved)
            if (!key.StartsWith("fc.", StringComparison.Ordinal))
                Assert.True(value.Equal(atStart[key]), $"{key} before the first step differs from the file");
        var after = trainer.Model.StateDict();
        foreach (var key in saved.Keys.Where(k => k.StartsWith("conv1.", StringComparison.Ordinal) || k.StartsWith("bn1.", StringComparison.Ordinal) || k.StartsWith("layer1.", StringComparison.Ordinal)))
            Assert.True(saved[key].Equal(after[key]), $"frozen {key} changed in training");
        Assert.False(saved["layer2.0.conv1.weight"].Equal(after["layer2.0.conv1.weight"]), "layer2 is not frozen and should train");
        Assert.False(saved["layer2.0.bn1.running_mean"].Equal(after["layer2.0.bn1.running_mean"]), "layer2's statistics should move");
    }

    [Fact]
    public void AnOspreyCheckpointStartsARunFromItsWeights()
    {
        using var scope = TensorScope.Begin();
        using var images = new TinyImageFolder();
        using var runs = new TempFolder();
        string first;
        using (var trainer = Trainer.Create(Resnet18(images.Root, runs.Root) with { Name = "first" }))
        {
            trainer.Train();
            first = Path.Combine(trainer.RunDirectory, Trainer.LastCheckpoint);
        }
        using var checkpoint = TrainingCheckpoint.Load(first);
        var atStart = new Dictionary<string, Tensor>();
        using var second = Trainer.Create(Resnet18(images.Root, runs.Root) with { Name = "second", Weights = first },
                                          [new AtFirstBatch(t => { foreach (var (k, v) in t.Model.StateDict()) atStart[k] = scope.Keep(v.Clone()); })]);
        Assert.Equal(second.Transfer!.Total, second.Transfer.Loaded);
        Assert.True(second.Transfer.Report.IsClean, second.Transfer.Report.ToString());
        second.Train();
        foreach (var (key, value) in atStart)
            Assert.True(checkpoint.Model[key].Equal(value), $"{key} at the start of the second run differs from the first run's checkpoint");
    }

    [Fact]
    public void WeightsThatMatchNothingAreRefusedNamingTheFile()
    {
        using var images = new TinyImageFolder();
        using var runs = new TempFolder();
        var file = runs.PathOf("other.safetensors");
        using (var scope = TensorScope.Begin())
            SafeTensors.Save(file, new Dictionary<string, Tensor> { ["head.weight"] = Tensor.Zeros([2, 2]) });
        var e = Assert.Throws<InvalidDataException>(() => Trainer.Create(Resnet18(images.Root, runs.Root) with { Weights = file }).Dispose());
        Assert.Contains($"option 'weights' = {file}: none of its 1 tensors matches", e.Message);
        Assert.False(Directory.Exists(Path.Combine(runs.Root, "classify")), "a refused start leaves no run folder");
        var missing = Assert.Throws<FileNotFoundException>(() => Trainer.Create(Resnet18(images.Root, runs.Root) with { Weights = runs.PathOf("none.pt") }).Dispose());
        Assert.Contains("none.pt: the file does not exist", missing.Message);
    }

    [Theory]
    [InlineData("11", "the model has 10 layers")]
    [InlineData("conv1,layer9", "the model has no module 'layer9'")]
    [InlineData("0,10", "layer 10 does not exist (10 layers)")]
    public void AFreezeThatNamesNoLayerIsRefusedListingTheLayers(string freeze, string problem)
    {
        using var images = new TinyImageFolder();
        using var runs = new TempFolder();
        var e = Assert.Throws<OptionsException>(() => Trainer.Create(Resnet18(images.Root, runs.Root) with { Freeze = freeze }).Dispose());
        Assert.Equal("freeze", e.Key);
        Assert.Contains(problem, e.Message);
        Assert.Contains("conv1, bn1, relu, maxpool, layer1, layer2, layer3, layer4, avgpool, fc", e.Message);
    }

    [Fact]
    public void FreezeByCountTakesTheFirstLayersBelowASingleWrapper()
    {
        using var model = Osprey.Models.ModelRegistry.Create("yolo11n");
        var frozen = FrozenLayers.Apply(model, "3");
        Assert.Equal(["model.0", "model.1", "model.2"], frozen.Names);
        var parameters = model.NamedParameters().ToList();
        Assert.All(parameters.Where(p => p.Name.StartsWith("model.2.", StringComparison.Ordinal)), p => Assert.False(p.Tensor.RequiresGrad, p.Name));
        Assert.All(parameters.Where(p => p.Name.StartsWith("model.3.", StringComparison.Ordinal)), p => Assert.True(p.Tensor.RequiresGrad, p.Name));
    }

    [Fact]
    public void PatienceStopsTheRunAsUltralyticsDoes()
    {
        // Fitness per epoch 0.5, 0.6, 0.6, 0.55, 0.4, ...: the best is epoch 3 (an equal counts), patience 2 ends epoch 5.
        double[] fitness = [0.5, 0.6, 0.6, 0.55, 0.4, 0.3, 0.2, 0.1];
        int validations = 0;
        using var images = new TinyImageFolder();
        using var runs = new TempFolder();
        var task = new DelegatingTask(TaskRegistry.Get("classify")) { ChangeFitness = _ => fitness[validations++] };
        using var trainer = Trainer.Create(TrainingSetup.Tiny(images.Root, runs.Root, epochs: 8) with { Patience = 2 }, task: task);
        trainer.Train();
        Assert.Equal(5, trainer.EpochsDone);
        Assert.Equal(0.6, trainer.BestFitness);
        Assert.Contains("no improvement in the last 2 epochs (patience); the best was epoch 3", trainer.EarlyStop);
        using var best = TrainingCheckpoint.Load(Path.Combine(trainer.RunDirectory, Trainer.BestCheckpoint));
        Assert.Equal(3, best.Epoch);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(trainer.RunDirectory, Trainer.ResultsFile)).Length);
    }

    [Fact]
    public void ValIntervalValidatesEveryNthEpochAndTheLast()
    {
        var validatedAfter = new List<int>();
        using var images = new TinyImageFolder();
        using var runs = new TempFolder();
        Trainer? running = null;
        var task = new DelegatingTask(TaskRegistry.Get("classify")) { ChangeFitness = f => { validatedAfter.Add(running!.EpochsDone); return f; } };
        using var trainer = Trainer.Create(TrainingSetup.Tiny(images.Root, runs.Root, epochs: 7) with { ValInterval = 3 }, task: task);
        running = trainer;
        trainer.Train();
        Assert.Equal([3, 6, 7], validatedAfter);
        var rows = File.ReadAllLines(Path.Combine(trainer.RunDirectory, Trainer.ResultsFile));
        int accuracy = Array.IndexOf(rows[0].Split(','), "metrics/accuracy_top1");
        Assert.Equal([false, false, true, false, false, true, true], rows[1..].Select(r => r.Split(',')[accuracy].Length > 0));
    }

    sealed class AtFirstBatch(Action<Trainer> action) : ITrainerCallback
    {
        public void OnBatchStart(Trainer trainer, int epoch, int batch)
        {
            if (epoch == 0 && batch == 0) action(trainer);
        }
    }
}
