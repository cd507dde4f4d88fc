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

    /// <summary>F.layer_norm. A reduced-precision input with float32 affine weights (a bf16 autocast region: libtorch
    /// 1.13's CPU autocast leaves layer_norm off its float32 list and its kernel refuses the mix) is normalized in
    /// float32, as later PyTorch's autocast does.</summary>
    public static Tensor LayerNorm(Tensor input, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        if (weight != null && input.DType != weight.DType && weight.DType == DType.Float32)
        {
            using var full = input.Float();
            return layerNorm.Tensor(full, normalizedShape, weight, bias, eps, false);
        }
        return layerNorm.Tensor(input, normalizedShape, weight, bias, eps, false);
    }

    /// <summary>Zeroes elements with probability p and scales the rest by 1/(1-p) when training.</summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true)
    {
        if (p < 0 || p > 1) throw new TorchException($"dropout probability must be in [0, 1], got {p}");
        return dropout.Tensor(input, p, training);
    }
}
