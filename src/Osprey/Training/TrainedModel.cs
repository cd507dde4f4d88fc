using Osprey.Inference;
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

    /// <summary>What <see cref="PrepareForInference"/> did; null until it is called.</summary>
    public InferencePreparationReport? Inference { get; private set; }

    /// <summary>Rewrites the model for the inference path of <paramref name="mode"/> (once; the fast mode folds the
    /// BatchNorms for good, so the model cannot train or be exported unfused afterwards).</summary>
    public InferencePreparationReport PrepareForInference(InferenceMode mode)
    {
        if (Inference != null)
            throw new InvalidOperationException($"{Path}: already prepared for inference ({Inference.Mode})");
        return Inference = InferencePreparation.Prepare(Model, mode);
    }

    public void Dispose() => Model.Dispose();
}
