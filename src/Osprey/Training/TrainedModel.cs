using Osprey.Inference;
using Osprey.Models;
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

    /// <summary>The model; int8 preparation replaces it by its quantized form (which owns the float one).</summary>
    public Module Model { get; private set; }
    public RunInfo Info { get; }
    public string Path { get; }
    public long Epoch { get; }
    public bool UsesEma { get; }
    public IReadOnlyList<string> Classes => Info.Classes;
    /// <summary>Weights written by another program (an ultralytics .pt): no dataset, no training history.</summary>
    public bool Foreign { get; private init; }

    /// <summary>
    /// An Osprey checkpoint or an official DETR release file (<paramref name="model"/> null, or the file's own model) or,
    /// with <paramref name="model"/>, another program's weights file (torch.save: an ultralytics <c>yolo11n.pt</c>)
    /// loaded as that model (<see cref="Detection.UltralyticsWeights"/>). Any other torch file without a model is an
    /// error saying so.
    /// </summary>
    public static TrainedModel Open(string path, string? model = null, Action<string>? log = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"weights file {path} does not exist", path);
        bool detr = model != null && ModelRegistry.Contains(model) && ModelRegistry.Get(model).Family == "detr";
        if (model != null && !detr && TorchLoad.IsTorchFile(path)) return Detection.UltralyticsWeights.Load(path, model, log);
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

    /// <summary>An Osprey checkpoint, or a torch.save file (.pth, .pt) in a release layout Osprey knows (the official DETR
    /// checkpoints: <see cref="Detection.DetrImport"/>).</summary>
    public static TrainedModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"weights file {path} does not exist", path);
        if (TorchLoad.IsTorchFile(path)) return Import(path);
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

    static TrainedModel Import(string path)
    {
        using var scope = TensorScope.Begin();
        var state = TorchLoad.LoadStateDict(path);
        if (!Detection.DetrImport.IsDetrLayout(state))
            throw new ArgumentException($"{path} is a PyTorch file (torch.save), not an Osprey checkpoint: pass --model NAME " +
                                        "(e.g. --model yolo11n for an ultralytics yolo11n.pt) to load it as that model's weights; only the " +
                                        "official DETR release layout ({\"model\": state_dict}) is recognised alone. A run can also start from it (--weights)");
        var (model, info) = Detection.DetrImport.Build(state, path);
        model.Eval();
        return FromWeights(model, info, path);
    }

    /// <summary>What <see cref="PrepareForInference"/> did; null until it is called.</summary>
    public InferencePreparationReport? Inference { get; private set; }

    /// <summary>Rewrites the model for the inference path of <paramref name="mode"/> (once; the fast mode folds the
    /// BatchNorms for good, so the model cannot train or be exported unfused afterwards). The fast and bf16 modes also have freed
    /// activations returned to the system (<see cref="LibTorch.ReturnLargeBuffersToSystem"/>, process-wide): peak
    /// resident memory at or below PyTorch's on the same model (bench/RESULTS.md, inference-memory).</summary>
    /// <remarks>Int8 needs <paramref name="calibration"/>: batches of images prepared as for validation
    /// (<see cref="Classification.ClassificationCalibration"/> takes them from the run's training split).</remarks>
    public InferencePreparationReport PrepareForInference(InferenceMode mode, IEnumerable<Tensor>? calibration = null)
    {
        if (Inference != null)
            throw new InvalidOperationException($"{Path}: already prepared for inference ({Inference.Mode})");
        if (mode != InferenceMode.Plain) LibTorch.ReturnLargeBuffersToSystem();
        if (mode != InferenceMode.Int8) return Inference = InferencePreparation.Prepare(Model, mode);
        if (calibration == null) throw new ArgumentException($"{Path}: int8 inference needs calibration batches", nameof(calibration));
        var (model, report) = InferencePreparation.QuantizeInt8(Model, calibration);
        Model = model;
        return Inference = report;
    }

    public void Dispose() => Model.Dispose();
}
