using System.Text.Json.Nodes;

namespace Osprey.Torch.Optim;

/// <summary>
/// An optimizer's state laid out as PyTorch's state_dict: tensors named <c>state.{index}.{name}</c>
/// (index = the parameter's position across all groups in order; 'step' as a float32 scalar) and the
/// groups' hyper-parameters as JSON: <c>{"type": "AdamW", "param_groups": [{"params": [0, 1], "lr": ..., "options": {...}}]}</c>.
/// Owns its tensors (copies or aliases made for it) and disposes them.
/// </summary>
public sealed class OptimizerStateDict(Dictionary<string, Tensor> tensors, JsonObject groups) : IDisposable
{
    public const string StatePrefix = "state.";

    public Dictionary<string, Tensor> Tensors { get; } = tensors;
    public JsonObject Groups { get; } = groups;

    /// <summary>The optimizer type that wrote it ("SGD", "Adam", "AdamW").</summary>
    public string Type => Groups["type"]?.GetValue<string>() ?? throw new FormatException("optimizer state has no 'type'");

    public static string Key(int index, string name) => $"{StatePrefix}{index}.{name}";

    /// <summary>Splits <c>state.{index}.{name}</c>; throws naming the key when it has another form.</summary>
    public static (int Index, string Name) ParseKey(string key)
    {
        if (key.StartsWith(StatePrefix, StringComparison.Ordinal))
        {
            var rest = key.AsSpan(StatePrefix.Length);
            int dot = rest.IndexOf('.');
            if (dot > 0 && int.TryParse(rest[..dot], out var index) && index >= 0 && dot + 1 < rest.Length)
                return (index, rest[(dot + 1)..].ToString());
        }
        throw new FormatException($"optimizer state tensor '{key}': expected a name of the form state.<index>.<buffer>");
    }

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
        Tensors.Clear();
    }
}
