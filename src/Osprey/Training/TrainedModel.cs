using Osprey.Torch;
using Osprey.Torch.NN;
using Osprey.Torch.Serialization;

namespace Osprey.Training;

/// <summary>
/// A model rebuilt from a training checkpoint alone: architecture, classes and preprocessing come from its
/// <see cref="RunInfo"/>; the weights are the EMA's when the run kept one (as ultralytics evaluates), else the model's.
/// In eval mode; owns the module.
/// </summary>
public sealed class TrainedModel : IDisposable
{
    TrainedModel(Module model, RunInfo info, string path, long epoch, bool usesEma) =>
        (Model, Info, Path, Epoch, UsesEma) = (model, info, path, epoch, usesEma);

    public Module Model { get; }
    public RunInfo Info { get; }
    public string Path { get; }
    public long Epoch { get; }
    public bool UsesEma { get; }
    public IReadOnlyList<string> Classes => Info.Classes;
    /// <summary>Weights written by another program (an ultralytics .pt): no dataset, no training history.</summary>
    public bool Foreign { get; private init; }

    /// <summary>
    /// An Osprey checkpoint (<paramref name="model"/> null, or the checkpoint's own model) or, with
    /// <paramref name="model"/>, another program's weights file (torch.save: an ultralytics <c>yolo11n.pt</c>) loaded as
    /// that model (<see cref="Detection.UltralyticsWeights"/>). A torch file without a model is an error saying so.
    /// </summary>
    public static TrainedModel Open(string path, string? model = null, Action<string>? log = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"weights file {path} does not exist", path);
        if (TorchLoad.IsTorchFile(path))
            return model != null
                ? Detection.UltralyticsWeights.Load(path, model, log)
                : throw new ArgumentException($"{path} is a PyTorch file (torch.save), not an Osprey checkpoint: pass --model NAME " +
                                              "(e.g. --model yolo11n for an ultralytics yolo11n.pt) to load it as that model's weights");
        var trained = Load(path);
        if (model != null && model != trained.Info.Model)
        {
            var own = trained.Info.Model;
            trained.Dispose();
            throw new ArgumentException($"--model {model}: {path} is an Osprey checkpoint of {own} (leave --model out)");
        }
        return trained;
    }

    /// <summary>A model whose weights came from elsewhere, described by <paramref name="info"/>; takes ownership of it.</summary>
    public static TrainedModel FromWeights(Module model, RunInfo info, string path) => new(model, info, path, 0, false) { Foreign = true };

    public static TrainedModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"weights file {path} does not exist", path);
        using var checkpoint = TrainingCheckpoint.Load(path);
        var info = RunInfo.FromJson(checkpoint.Options, path);
        bool useEma = info.HasEma;
        var weights = checkpoint.Model
            .Where(p => p.Key.StartsWith(Trainer.EmaPrefix, StringComparison.Ordinal) == useEma)
            .ToDictionary(p => useEma ? p.Key[Trainer.EmaPrefix.Length..] : p.Key, p => p.Value, StringComparer.Ordinal);
        var model = info.BuildModel();
        try
        {
            model.LoadStateDict(weights, strict: true);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.Eval();
        return new TrainedModel(model, info, path, checkpoint.Epoch, useEma);
    }

    public void Dispose() => Model.Dispose();
}
