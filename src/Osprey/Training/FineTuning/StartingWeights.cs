using Osprey.Torch;
using Osprey.Torch.NN;
using Osprey.Torch.Serialization;

namespace Osprey.Training.FineTuning;

/// <summary>
/// The weights a new run starts from (the <c>weights</c> option), as fine-tuning starts in torchvision and ultralytics:
/// every tensor whose name and shape match the model's is copied, the rest of the model keeps its initialization and is
/// reported (a class head of another size, layers the file lacks). Reads an Osprey checkpoint (its EMA weights when it
/// has them, as ultralytics fine-tunes from the EMA), a safetensors state dict, or a <c>torch.save</c> file
/// (torchvision/timm <c>.pth</c>, ultralytics <c>.pt</c>, DETR's <c>{"model": ...}</c>) through the restricted unpickler.
/// </summary>
public static class StartingWeights
{
    public static WeightsTransfer LoadInto(Module model, string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"option 'weights' = {path}: the file does not exist", path);
        using var scope = TensorScope.Begin();
        var state = TorchLoad.LoadStateDict(path);
        var report = model.LoadStateDict(state, strict: false);
        var own = model.StateDict();
        int loaded = own.Count(p => state.TryGetValue(p.Key, out var t) && t.Shape.SequenceEqual(p.Value.Shape));
        if (loaded == 0)
            throw new InvalidDataException($"option 'weights' = {path}: none of its {state.Count} tensors matches the model's names and shapes " +
                                           $"(the file has e.g. {string.Join(", ", state.Keys.Take(3))}; the model {string.Join(", ", own.Keys.Take(3))})");
        return new WeightsTransfer(path, loaded, own.Count, report);
    }
}

/// <summary>What <see cref="StartingWeights.LoadInto"/> copied: <see cref="Loaded"/> of the model's <see cref="Total"/>
/// state tensors, and the report of the rest (missing from the file, of another shape, or in the file only).</summary>
public sealed record WeightsTransfer(string Source, int Loaded, int Total, LoadReport Report)
{
    public override string ToString()
    {
        var lines = new List<string> { $"transferred {Loaded}/{Total} tensors from {Source}" };
        lines.AddRange(Report.ShapeMismatches.Select(m => $"  not loaded (shape): {m}"));
        lines.AddRange(Report.MissingKeys.Select(k => $"  not in the file (initialized): {k}"));
        if (Report.UnexpectedKeys.Count > 0)
            lines.Add($"  in the file only ({Report.UnexpectedKeys.Count}): {string.Join(", ", Report.UnexpectedKeys.Take(5))}{(Report.UnexpectedKeys.Count > 5 ? ", ..." : "")}");
        return string.Join('\n', lines);
    }
}
