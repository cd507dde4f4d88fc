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

    /// <summary>An Osprey checkpoint, or a torch.save file (.pth, .pt) in a release layout Osprey knows (the official DETR
    /// checkpoints: <see cref="Detection.DetrImport"/>).</summary>
    public static TrainedModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"weights file {path} does not exist", path);
        if (IsTorchFile(path)) return Import(path);
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

    public static bool IsTorchFile(string path) =>
        System.IO.Path.GetExtension(path).ToLowerInvariant() is ".pth" or ".pt";

    static TrainedModel Import(string path)
    {
        using var scope = TensorScope.Begin();
        var state = TorchLoad.LoadStateDict(path);
        if (!Detection.DetrImport.IsDetrLayout(state))
            throw new InvalidDataException($"{path}: a torch.save file, but not in a layout a model can be rebuilt from alone " +
                                           "(the official DETR release, {\"model\": state_dict}); start a training run from it instead");
        var (model, info) = Detection.DetrImport.Build(state, path);
        model.Eval();
        return new TrainedModel(model, info, path, 0, false);
    }

    public void Dispose() => Model.Dispose();
}
