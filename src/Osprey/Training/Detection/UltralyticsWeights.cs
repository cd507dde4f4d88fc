using Osprey.Models;
using Osprey.Torch;
using Osprey.Torch.NN;
using Osprey.Torch.Serialization;

namespace Osprey.Training.Detection;

/// <summary>
/// An ultralytics YOLO checkpoint (<c>yolo11n.pt</c>: a torch.save dict whose "ema" or "model" is the pickled
/// DetectionModel, in fp16) as a <see cref="TrainedModel"/> for <c>val</c> and <c>predict</c>, read by the restricted
/// unpickler (no code runs): the weights through <see cref="TorchLoad.LoadStateDict"/>, the class names from the pickled
/// model's <c>names</c> (when absent: class0, class1, ..., as many as the class convolutions have outputs), the input
/// side from <c>train_args.imgsz</c> (else the model's default). The file must fit the named model exactly (every
/// tensor, every shape). Loading one warns once per process that ultralytics' weights are AGPL-3.0.
/// </summary>
public static class UltralyticsWeights
{
    public const string LicenseNotice =
        "ultralytics' YOLO weights are licensed AGPL-3.0 by their authors' terms (https://ultralytics.com/license); " +
        "what you build and distribute with them falls under those terms";

    static int warned;

    /// <summary>Writes the AGPL-3.0 notice through <paramref name="log"/> the first time in this process; true when it did.</summary>
    public static bool WarnOnce(Action<string>? log)
    {
        if (log == null || Interlocked.Exchange(ref warned, 1) != 0) return false;
        log("WARNING: " + LicenseNotice);
        return true;
    }

    /// <summary>What a checkpoint holds besides the weights.</summary>
    public sealed record Metadata(IReadOnlyList<string>? Names, int? ImageSize);

    public static TrainedModel Load(string path, string model, Action<string>? log = null)
    {
        var entry = ModelRegistry.Get(model);
        if (entry.Family != "yolo")
            throw new ArgumentException($"--model {model}: weights from other programs load here for YOLO models (ultralytics .pt); {model} is a " +
                                        $"{entry.Family} model: train it with osprey train --weights {path} instead");
        WarnOnce(log);
        using var scope = TensorScope.Begin();
        var state = TorchLoad.LoadStateDict(path);
        var meta = ReadMetadata(path);
        int classes = meta.Names?.Count ?? ClassCount(entry, state, path);
        var names = meta.Names ?? Enumerable.Range(0, classes).Select(i => $"class{i}").ToArray();
        int imgsz = meta.ImageSize ?? (int)entry.DefaultImageSize;
        var args = new ModelArgs(classes, 3, imgsz);
        var options = new TrainOptions { Task = "detect", Model = model, Imgsz = imgsz, Data = path };
        var info = new RunInfo("detect", model, names, 3, imgsz, entry.Resolve(args), YoloTransforms.Mean, YoloTransforms.Std, options);
        var module = info.BuildModel();
        try
        {
            module.LoadStateDict(state, strict: true);
        }
        catch (StateDictMismatchException e)
        {
            module.Dispose();
            throw new InvalidDataException($"{path} does not hold {model} weights for {classes} classes: {e.Message}", e);
        }
        module.Eval();
        return TrainedModel.FromWeights(module, info, path);
    }

    /// <summary>The class names of the pickled model (its <c>names</c> dict, by index) and <c>train_args.imgsz</c>, when present.</summary>
    public static Metadata ReadMetadata(string path)
    {
        using var scope = TensorScope.Begin();   // the tensors of the tree go with it
        if (TorchLoad.Load(path) is not PickleDict root) return new Metadata(null, null);
        IReadOnlyList<string>? names = null;
        foreach (var key in new[] { "ema", "model" })
            if (root.TryGetValue(key, out var node) && node is PickledObject module && module.Attribute("names") is PickleDict dict && dict.Count > 0)
            {
                var byIndex = dict.Where(p => p.Key is long && p.Value is string).ToDictionary(p => (long)p.Key, p => (string)p.Value!);
                if (byIndex.Count != dict.Count || !Enumerable.Range(0, dict.Count).All(i => byIndex.ContainsKey(i)))
                    throw new InvalidDataException($"{path}: the model's names are not a dict of indices 0..{dict.Count - 1} to strings");
                names = Enumerable.Range(0, dict.Count).Select(i => byIndex[i]).ToArray();
                break;
            }
        int? imgsz = root.TryGetValue("train_args", out var a) && a is PickleDict args && args.TryGetValue("imgsz", out var s)
            ? s switch { long n and >= 8 and <= 16_384 => (int)n, List<object?> { Count: > 0 } l when l[0] is long n and >= 8 and <= 16_384 => (int)n, _ => null }
            : null;
        return new Metadata(names, imgsz);
    }

    /// <summary>The class count the file's head was built for: the model built for 1 class differs from the file only in
    /// the first dimension of its class outputs, which all give the same count.</summary>
    static int ClassCount(ModelEntry entry, IReadOnlyDictionary<string, Tensor> state, string path)
    {
        using var probe = entry.Builder(new ModelArgs(1, 3));
        var counts = new HashSet<long>();
        foreach (var (key, tensor) in probe.StateDict())
            if (state.TryGetValue(key, out var found) && tensor.Shape.Length > 0 && tensor.Shape[0] == 1 && found.Shape.Length == tensor.Shape.Length
                && found.Shape[0] != 1 && found.Shape.Skip(1).SequenceEqual(tensor.Shape.Skip(1)))
                counts.Add(found.Shape[0]);
        return counts.Count == 1 ? (int)counts.Single()
            : counts.Count == 0 ? 1 : throw new InvalidDataException($"{path}: the class outputs disagree on the class count ({string.Join(", ", counts)})");
    }
}
