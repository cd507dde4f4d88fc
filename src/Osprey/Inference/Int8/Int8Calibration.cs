using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Inference.Int8;

/// <summary>
/// Post-training calibration: runs a float model on calibration batches under inference mode with a forward hook on each
/// observed module, and keeps the range of each one's output (and of the model's input).
/// </summary>
public static class Int8Calibration
{
    public static (ActivationRange Input, Dictionary<Module, ActivationRange> Outputs, long Images) Run(
        Module<Tensor, Tensor> model, IReadOnlyCollection<Module> observed, IEnumerable<Tensor> batches)
    {
        var input = ActivationRange.Empty;
        var outputs = observed.ToDictionary(m => m, _ => ActivationRange.Empty);
        var hooks = observed.Select(m => m.RegisterForwardHook((module, _, output) => outputs[module] = Widen(outputs[module], (Tensor)output!)))
            .ToList();
        long count = 0;
        try
        {
            foreach (var batch in batches)
            {
                using var scope = TensorScope.Begin();
                using var inference = Autograd.InferenceMode();
                input = Widen(input, batch);
                model.Call(batch);
                count += batch.Size(0);
            }
        }
        finally
        {
            foreach (var hook in hooks) hook.Dispose();
        }
        if (count == 0) throw new ArgumentException("int8 calibration needs at least one batch");
        return (input, outputs, count);
    }

    static ActivationRange Widen(ActivationRange range, Tensor t)
    {
        using var scope = TensorScope.Begin();
        return range.Including(t.Min().Item<float>(), t.Max().Item<float>());
    }
}
