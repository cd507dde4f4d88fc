using Osprey.Data;
using Osprey.Models;
using Osprey.Torch.NN;

namespace Osprey.Tests.Inference;

static class ModelOutputs
{
    /// <summary>Every output tensor of one inference-mode forward on <paramref name="input"/>, cloned out of any scope
    /// (the caller disposes them), so the model can be rewritten and run again for comparison.</summary>
    public static Tensor[] Detached(Module model, Tensor input)
    {
        using var inference = Autograd.InferenceMode();
        using var batch = ImageBatch.FromTensor(input);
        using var output = ((IImageModel)model).Run(batch);
        return output.Tensors().Select(t => t.Clone().DetachFromScope()).ToArray();
    }
}
