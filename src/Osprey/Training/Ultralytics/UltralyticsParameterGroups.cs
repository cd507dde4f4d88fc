using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Training.Ultralytics;

/// <summary>
/// ultralytics' three parameter groups (BaseTrainer.build_optimizer): walking the modules in order, a parameter whose
/// dotted name contains "bias" is a bias (no decay); a weight of a normalization layer (BatchNorm, LayerNorm,
/// GroupNorm) goes without decay; every other weight decays. Frozen parameters are grouped like the rest, as there
/// (they get no gradient, so no step). Names are the state-dict keys.
/// </summary>
public sealed record UltralyticsParameterGroups(
    IReadOnlyList<(string Name, Tensor Tensor)> Weights,
    IReadOnlyList<(string Name, Tensor Tensor)> NormWeights,
    IReadOnlyList<(string Name, Tensor Tensor)> Biases)
{
    public static UltralyticsParameterGroups Of(Module model)
    {
        var weights = new List<(string, Tensor)>();
        var norms = new List<(string, Tensor)>();
        var biases = new List<(string, Tensor)>();
        foreach (var (moduleName, module) in model.NamedModules())
            foreach (var (name, parameter) in module.NamedParameters().Where(p => !p.Name.Contains('.')))
            {
                var fullName = moduleName.Length == 0 ? name : $"{moduleName}.{name}";
                if (fullName.Contains("bias")) biases.Add((fullName, parameter));
                else if (IsNormalization(module)) norms.Add((fullName, parameter));
                else weights.Add((fullName, parameter));
            }
        return new UltralyticsParameterGroups(weights, norms, biases);
    }

    static bool IsNormalization(Module module) => module is BatchNorm2d or LayerNorm or GroupNorm;
}
