using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Summary;

/// <summary>One row of a model's layer table: a top-level child.</summary>
public sealed record LayerRow(int Index, string Name, string From, long Repeats, long Parameters, string Module, string Arguments);

/// <summary>
/// A model's layer table and totals, as ultralytics prints them: layers = every distinct module object
/// (containers included), parameters, gradients (parameters that require grad), GFLOPs at an image size.
/// </summary>
public sealed record ModelSummary(string Name, IReadOnlyList<LayerRow> Rows, long Layers, long Parameters, long Gradients, double? Gflops,
                                  bool Fused = false)
{
    public static ModelSummary Of(string name, Module model, IReadOnlyList<LayerRow>? rows = null,
                                  Func<Tensor, object?>? forward = null, long[]? inputShape = null, bool countInTrainMode = false,
                                  bool fused = false)
    {
        long parameters = 0, gradients = 0;
        foreach (var p in model.Parameters())
        {
            parameters += p.NumEl;
            if (p.RequiresGrad) gradients += p.NumEl;
        }
        double? gflops = null;
        if (forward != null && inputShape != null)
        {
            using var scope = TensorScope.Begin();
            gflops = 2 * FlopCounter.CountMacs(model, forward, Tensor.Zeros(inputShape), countInTrainMode) / 1e9;
        }
        return new ModelSummary(name, rows ?? ChildRows(model), model.Modules().LongCount(), parameters, gradients, gflops, fused);
    }

    /// <summary>A row per top-level child, in registration order.</summary>
    public static IReadOnlyList<LayerRow> ChildRows(Module model) =>
        model.NamedChildren().Select((c, i) => new LayerRow(i, c.Name, "-1", 1,
            c.Module.Parameters().Sum(p => p.NumEl), c.Module.TypeName, Arguments(c.Module))).ToList();

    static string Arguments(Module m)
    {
        var text = m.ToString() ?? "";
        var open = text.IndexOf('(');
        return open >= 0 && text.EndsWith(')') ? text[(open + 1)..^1] : "";
    }

    public string SummaryLine => FormattableString.Invariant(
        $"{Name} summary{(Fused ? " (fused)" : "")}: {Layers:N0} layers, {Parameters:N0} parameters, {Gradients:N0} gradients{(Gflops is { } g ? FormattableString.Invariant($", {g:F1} GFLOPs") : "")}");
}
