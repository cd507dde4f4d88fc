using Osprey.Tests.Data;
using Osprey.Tests.Training;
using Osprey.Training;

namespace Osprey.Cli.Tests.Commands;

/// <summary>One short in-process training run on a <see cref="TinyImageFolder"/> (whose train/ split holds one extra
/// image, so that train and val differ), shared by the val, predict and info tests.</summary>
public sealed class TrainedTinyRun : IDisposable
{
    public TinyImageFolder Data { get; } = new();
    public TempFolder Work { get; } = new();
    public string Best { get; }

    public TrainedTinyRun()
    {
        File.Copy(Data.PathOf("train/bottom/00.png"), Data.PathOf("train/bottom/extra.png"));
        var options = new TrainOptions
        {
            Model = "resnet18", Data = Data.Root, Imgsz = 16, Epochs = 1, Batch = 6, Workers = 0, Seed = 3,
            Project = Path.Combine(Work.Root, "runs"), ModelOptions = ModelOptionValues.Empty.With("width", "4"),
        };
        using var trainer = Trainer.Create(options);
        trainer.Train();
        Best = Path.Combine(trainer.RunDirectory, Trainer.BestCheckpoint);
    }

    public void Dispose()
    {
        Data.Dispose();
        Work.Dispose();
    }
}
