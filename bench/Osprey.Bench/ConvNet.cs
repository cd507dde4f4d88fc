using Osprey.Torch;
using F = Osprey.Torch.NN.Functional;

namespace Osprey.Bench;

/// <summary>
/// The small conv net of the benchmark as plain tensors (no modules): three conv3x3 + BN(train) + ReLU stages
/// (32, 64 stride 2, 128 stride 2), global average pool, linear 10. Weights are drawn from the default
/// generator after ManualSeed in the same order and with the same calls as bench/torch_bench.py, so both
/// engines start from identical numbers.
/// </summary>
sealed class ConvNet : IDisposable
{
    readonly Tensor w1, g1, b1, rm1, rv1;
    readonly Tensor w2, g2, b2, rm2, rv2;
    readonly Tensor w3, g3, b3, rm3, rv3;
    readonly Tensor fcW, fcB;

    public ConvNet(ulong seed)
    {
        LibTorch.ManualSeed(seed);
        w1 = KaimingConv(32, 3);
        w2 = KaimingConv(64, 32);
        w3 = KaimingConv(128, 64);
        fcW = Scaled([10, 128], Math.Sqrt(1.0 / 128));
        fcB = Scaled([10], 0.01);
        (g1, b1, rm1, rv1) = BatchNormState(32);
        (g2, b2, rm2, rv2) = BatchNormState(64);
        (g3, b3, rm3, rv3) = BatchNormState(128);
    }

    /// <summary>Tensors that receive gradients.</summary>
    public Tensor[] Parameters => [w1, g1, b1, w2, g2, b2, w3, g3, b3, fcW, fcB];

    Tensor[] Buffers => [rm1, rv1, rm2, rv2, rm3, rv3];

    public Tensor Loss(Tensor input, Tensor target)
    {
        using var scope = TensorScope.Begin();
        var h = Stage(input, w1, g1, b1, rm1, rv1, stride: 1);
        h = Stage(h, w2, g2, b2, rm2, rv2, stride: 2);
        h = Stage(h, w3, g3, b3, rm3, rv3, stride: 2);
        var pooled = F.AdaptiveAvgPool2d(h, 1).Flatten(1);
        var logits = F.Linear(pooled, fcW, fcB);
        return scope.Keep(F.CrossEntropy(logits, target));
    }

    static Tensor Stage(Tensor x, Tensor w, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, long stride)
    {
        var y = F.Conv2d(x, w, null, stride, padding: 1);
        y = F.BatchNorm(y, runningMean, runningVar, gamma, beta, training: true);
        return F.Relu(y);
    }

    static Tensor KaimingConv(long outChannels, long inChannels) =>
        Scaled([outChannels, inChannels, 3, 3], Math.Sqrt(2.0 / (inChannels * 9)));

    static Tensor Scaled(long[] shape, double std)
    {
        using var scope = TensorScope.Begin();
        return scope.Keep(Tensor.Randn(shape).Mul(std)).RequiresGrad_();
    }

    static (Tensor, Tensor, Tensor, Tensor) BatchNormState(long channels) =>
        (Tensor.Ones([channels]).RequiresGrad_(), Tensor.Zeros([channels]).RequiresGrad_(),
         Tensor.Zeros([channels]), Tensor.Ones([channels]));

    public void Dispose()
    {
        foreach (var t in Parameters) t.Dispose();
        foreach (var t in Buffers) t.Dispose();
    }
}
