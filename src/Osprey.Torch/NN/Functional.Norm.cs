namespace Osprey.Torch.NN;

public static partial class Functional
{
    static readonly Op batchNorm = new("aten::batch_norm"), groupNorm = new("aten::group_norm");
    static readonly Op layerNorm = new("aten::layer_norm"), dropout = new("aten::dropout");

    /// <summary>F.batch_norm: in training uses batch statistics and updates the running ones in place.</summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null,
                                   Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5) =>
        batchNorm.Tensor(input, weight, bias, runningMean, runningVar, training, momentum, eps, false);

    public static Tensor GroupNorm(Tensor input, long numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        groupNorm.Tensor(input, numGroups, weight, bias, eps, false);

    public static Tensor LayerNorm(Tensor input, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        layerNorm.Tensor(input, normalizedShape, weight, bias, eps, false);

    /// <summary>Zeroes elements with probability p and scales the rest by 1/(1-p) when training.</summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true)
    {
        if (p < 0 || p > 1) throw new TorchException($"dropout probability must be in [0, 1], got {p}");
        return dropout.Tensor(input, p, training);
    }
}
