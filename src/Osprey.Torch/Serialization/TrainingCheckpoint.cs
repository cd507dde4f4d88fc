using System.Text.Json.Nodes;
using Osprey.Torch.Optim;

namespace Osprey.Torch.Serialization;

/// <summary>
/// The whole state of a training run in one file: model state dict, optimizer state, scheduler state,
/// epoch and iteration, the CPU RNG state and the run options. Stored as safetensors: tensors named
/// <c>model.*</c>, <c>optim.*</c> and <c>rng.cpu</c>, everything else as JSON in the metadata
/// (see <see cref="TrainingCheckpointFormat"/>). Saved atomically. Owns its tensors.
/// </summary>
public sealed class TrainingCheckpoint : IDisposable
{
    readonly Dictionary<string, Tensor> model;

    TrainingCheckpoint(string source, Dictionary<string, Tensor> model, OptimizerStateDict? optimizer, JsonObject? schedule,
                       long epoch, long iteration, Tensor? rngState, JsonObject? options)
    {
        (Source, this.model, Optimizer, Schedule, Epoch, Iteration, RngState, Options) =
            (source, model, optimizer, schedule, epoch, iteration, rngState, options);
    }

    /// <summary>Where it came from (the file path, or "captured checkpoint"), for error messages.</summary>
    public string Source { get; }
    public IReadOnlyDictionary<string, Tensor> Model => model;
    public OptimizerStateDict? Optimizer { get; }
    public JsonObject? Schedule { get; }
    public long Epoch { get; }
    public long Iteration { get; }
    public Tensor? RngState { get; }
    public JsonObject? Options { get; }

    /// <summary>
    /// Takes the current state. Model tensors and optimizer buffers are detached views of the live ones,
    /// so save before training on: <c>using var ck = TrainingCheckpoint.Capture(...); ck.Save(path);</c>
    /// </summary>
    public static TrainingCheckpoint Capture(IReadOnlyDictionary<string, Tensor> model, Optimizer? optimizer = null, LrScheduler? scheduler = null,
                                             long epoch = 0, long iteration = 0, JsonObject? options = null, bool includeRng = true)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, t) in model) tensors[key] = t.Detach().DetachFromScope();
        return new TrainingCheckpoint("captured checkpoint", tensors, optimizer?.StateDict(), scheduler?.StateDict(), epoch, iteration,
                                      includeRng ? LibTorch.GetRngState().DetachFromScope() : null,
                                      options?.DeepClone().AsObject());
    }

    /// <summary>Writes the checkpoint atomically: a crash mid-write leaves any previous file at <paramref name="path"/> intact.</summary>
    public void Save(string path) => AtomicFile.Write(path, WriteTo);

    public void WriteTo(Stream stream) => TrainingCheckpointFormat.Write(stream, this);

    /// <summary>Reads a checkpoint written by <see cref="Save"/>; errors name the file and the offending entry.</summary>
    public static TrainingCheckpoint Load(string path)
    {
        using var scope = TensorScope.Begin();
        var (tensors, metadata) = SafeTensors.Load(path);
        var parts = TrainingCheckpointFormat.Read(path, tensors, metadata);
        foreach (var t in tensors.Values) t.DetachFromScope();
        return new TrainingCheckpoint(path, parts.Model, parts.Optimizer, parts.Schedule, parts.Epoch, parts.Iteration, parts.RngState, parts.Options);
    }

    /// <summary>Copies the model state into <paramref name="target"/> (name -> the model's tensor); see <see cref="StateDictLoader.CopyInto"/>.</summary>
    public StateDictReport LoadModelInto(IReadOnlyDictionary<string, Tensor> target, bool strict = true) =>
        StateDictLoader.CopyInto(target, model, strict, $"{Source} (model)");

    /// <summary>Restores the optimizer, then the scheduler, then (optionally) the RNG; each must be in the checkpoint when given.</summary>
    public void Restore(Optimizer? optimizer, LrScheduler? scheduler = null, bool restoreRng = true)
    {
        if (optimizer != null)
            optimizer.LoadStateDict(Optimizer ?? throw new InvalidOperationException($"{Source}: holds no optimizer state"));
        if (scheduler != null)
            scheduler.LoadStateDict(Schedule ?? throw new InvalidOperationException($"{Source}: holds no scheduler state"));
        if (restoreRng)
            LibTorch.SetRngState(RngState ?? throw new InvalidOperationException($"{Source}: holds no RNG state"));
    }

    public void Dispose()
    {
        foreach (var t in model.Values) t.Dispose();
        model.Clear();
        Optimizer?.Dispose();
        RngState?.Dispose();
    }
}
