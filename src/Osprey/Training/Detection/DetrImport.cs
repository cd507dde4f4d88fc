using Osprey.Data.Datasets.Detection;
using Osprey.Data.Transforms;
using Osprey.Models;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Training.Detection;

/// <summary>
/// The official DETR release checkpoints (torch.save of <c>{"model": state_dict, ...}</c>, as facebookresearch/detr
/// publishes detr-r50-e632da11.pth) as a trained model for <c>val</c> and <c>predict</c>. The state-dict names are the
/// official ones in Osprey's DETR too, so the architecture is the registered DETR model whose state dict has exactly the
/// file's names and shapes, built with the file's class count (its class head's rows minus the no-object row). A file
/// with 91 classes is COCO with a logit per category id (<see cref="CocoCategories.OriginalNames"/>); any other count
/// gets names class0, class1, ... . Input side, normalization and threshold are the model's defaults (800 px for
/// detr-r50, ImageNet statistics), as the official evaluation.
/// </summary>
public static class DetrImport
{
    public const string ClassHead = "class_embed";

    /// <summary>Whether <paramref name="state"/> has the official DETR layout (a class head, object queries and a transformer decoder).</summary>
    public static bool IsDetrLayout(IReadOnlyDictionary<string, Tensor> state) =>
        state.ContainsKey(ClassHead + ".weight") && state.ContainsKey("query_embed.weight") &&
        state.Keys.Any(k => k.StartsWith("transformer.decoder.", StringComparison.Ordinal));

    /// <summary>The registered model the file's state dict fits, loaded strictly, with the run information it implies.</summary>
    public static (Module Model, RunInfo Info) Build(IReadOnlyDictionary<string, Tensor> state, string source)
    {
        var head = state[ClassHead + ".weight"];
        if (head.Dim != 2 || head.Size(0) < 2)
            throw new InvalidDataException($"{source}: {ClassHead}.weight is {head.Describe()}, expected (classes + 1, hidden)");
        int classes = checked((int)head.Size(0) - 1);
        var names = classes == CocoCategories.OriginalNames.Count ? CocoCategories.OriginalNames
            : Enumerable.Range(0, classes).Select(i => $"class{i}").ToArray();
        var tried = new List<string>();
        foreach (var entry in ModelRegistry.All.Where(e => e.Family == "detr"))
        {
            var options = TrainOptions.For("detect", entry.Name) with { Data = "" };
            var args = new ModelArgs(classes, 3, entry.DefaultImageSize, options.ModelOptions);
            var model = entry.Build(args);
            var mismatch = Mismatch(model.StateDict(), state);
            if (mismatch is null)
            {
                try
                {
                    model.LoadStateDict(state, strict: true);
                }
                catch
                {
                    model.Dispose();
                    throw;
                }
                var info = new RunInfo("detect", entry.Name, names, 3, (int)entry.DefaultImageSize, entry.Resolve(args),
                                       Normalize.ImageNetMean, Normalize.ImageNetStd, options);
                return (model, info);
            }
            model.Dispose();
            tried.Add($"{entry.Name} ({mismatch})");
        }
        throw new InvalidDataException($"{source}: a DETR state dict with {classes} classes that no registered DETR model fits: {string.Join("; ", tried)}");
    }

    /// <summary>The first difference between the model's names and shapes and the file's, or null when they are the same.</summary>
    static string? Mismatch(IReadOnlyDictionary<string, Tensor> model, IReadOnlyDictionary<string, Tensor> file)
    {
        foreach (var (name, t) in model.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!file.TryGetValue(name, out var f)) return $"the file has no {name}";
            if (!f.Shape.SequenceEqual(t.Shape)) return $"{name} is {f.Describe()} in the file, {t.Describe()} in the model";
        }
        var extra = file.Keys.Where(k => !model.ContainsKey(k)).Order(StringComparer.Ordinal).FirstOrDefault();
        return extra is null ? null : $"the model has no {extra}";
    }
}
