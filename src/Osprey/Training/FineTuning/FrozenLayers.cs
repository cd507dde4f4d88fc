using Osprey.Torch.NN;

namespace Osprey.Training.FineTuning;

/// <summary>
/// The <c>freeze</c> option, as ultralytics reads it: <c>N</c> freezes the model's first N layers, a comma-separated list
/// freezes the layers at those indices or the modules of those names (<c>backbone</c>, <c>layer1,layer2</c>). The layers
/// are the top-level children, looked for below modules that only wrap one child (ultralytics' <c>model.0</c>,
/// <c>model.1</c>, ...). Frozen modules get no gradients and stay in eval mode while the rest trains, so their batch-norm
/// statistics do not move either: their tensors are bit-identical at the end of the run.
/// </summary>
public sealed class FrozenLayers
{
    readonly List<(string Name, Module Module)> modules;

    FrozenLayers(List<(string Name, Module Module)> modules) => this.modules = modules;

    public static readonly FrozenLayers None = new([]);

    public IReadOnlyList<string> Names => modules.Select(m => m.Name).ToList();

    /// <summary>Freezes what <paramref name="spec"/> names in <paramref name="model"/>; an unknown name or an index past the
    /// last layer is an <see cref="OptionsException"/> listing the layers there are.</summary>
    public static FrozenLayers Apply(Module model, string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) return None;
        var (prefix, layers) = Layers(model);
        var all = model.NamedModules().ToDictionary(m => m.Name, m => m.Module, StringComparer.Ordinal);
        var chosen = new List<(string, Module)>();
        if (int.TryParse(spec, out int count))
        {
            if (count > layers.Count) throw Bad(spec, $"the model has {layers.Count} layers", layers);
            chosen.AddRange(layers.Take(count));
        }
        else
            foreach (var item in spec.Split(',', StringSplitOptions.TrimEntries))
            {
                if (int.TryParse(item, out int index))
                    chosen.Add(index >= 0 && index < layers.Count ? layers[index] : throw Bad(spec, $"layer {index} does not exist ({layers.Count} layers)", layers));
                else if (all.TryGetValue(item, out var named) && item.Length > 0)
                    chosen.Add((item, named));
                else if (prefix.Length > 0 && all.TryGetValue(prefix + "." + item, out var under))
                    chosen.Add((prefix + "." + item, under));
                else throw Bad(spec, $"the model has no module '{item}'", layers);
            }
        foreach (var (_, m) in chosen)
            foreach (var p in m.Parameters())
                p.RequiresGrad = false;
        return new FrozenLayers(chosen);
    }

    /// <summary>Puts the frozen modules back in eval mode (after the model was switched to training).</summary>
    public void KeepInEval()
    {
        foreach (var (_, m) in modules) m.Eval();
    }

    static (string Prefix, List<(string Name, Module Module)> Layers) Layers(Module model)
    {
        string prefix = "";
        var node = model;
        while (node.NamedChildren().ToList() is [var only])
        {
            prefix = prefix.Length == 0 ? only.Name : prefix + "." + only.Name;
            node = only.Module;
        }
        return (prefix, node.NamedChildren().Select(c => (prefix.Length == 0 ? c.Name : prefix + "." + c.Name, c.Module)).ToList());
    }

    static OptionsException Bad(string spec, string problem, List<(string Name, Module Module)> layers) =>
        new("freeze", $"option 'freeze' = {spec}: {problem}; expected a count of the first layers, or indices or names of: " +
                      string.Join(", ", layers.Select(l => l.Name)));
}
