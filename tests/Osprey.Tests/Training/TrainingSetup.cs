using Osprey.Training;

namespace Osprey.Tests.Training;

/// <summary>Options for seconds-long runs on <see cref="TinyImageFolder"/>: a width-4 ResNet-18 at 16x16, no augmentation, 0 workers.</summary>
public static class TrainingSetup
{
    public static TrainOptions Tiny(string data, string project, int epochs = 4) => new TrainOptions
    {
        Model = "resnet18", Data = data, Project = project, Epochs = epochs, Batch = 6, Imgsz = 16,
        ModelOptions = new ModelOptionValues([new("width", "4")]),
        Optimizer = OptimizerKind.AdamW, Lr0 = 0.01, WeightDecay = 0.01, WarmupEpochs = 1, Fliplr = 0, Workers = 0, Seed = 3,
    };

    /// <summary>Stops the run when <paramref name="epoch"/> epochs are done.</summary>
    public sealed class StopAfter(int epoch) : ITrainerCallback
    {
        public void OnEpochEnd(Trainer trainer, EpochSummary summary)
        {
            if (summary.Epoch == epoch) trainer.RequestStop();
        }
    }

    /// <summary>Records what each epoch reported.</summary>
    public sealed class Recorder : ITrainerCallback
    {
        public List<EpochSummary> Epochs { get; } = [];
        public Action<Trainer, EpochSummary>? AtEpochEnd { get; init; }

        public void OnEpochEnd(Trainer trainer, EpochSummary summary)
        {
            Epochs.Add(summary);
            AtEpochEnd?.Invoke(trainer, summary);
        }
    }
}
