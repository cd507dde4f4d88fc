using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// YOLO-FaceV2's MultiSEAM: three DcovN branches with patch sizes 3, 5, 7 (DCovN0..2); the global average pools of
/// the three branch outputs and of the input itself are averaged, passed through the bias-free FC (C -> C/r, ReLU,
/// -> C, sigmoid), exponentiated and used to rescale the input's channels (c2 is forced to c1). PyTorch's default
/// init. The input must be at least as large as the largest patch (7x7). Children DCovN0, DCovN1, DCovN2,
/// avg_pool, fc.
/// </summary>
public sealed class MultiSeam : Module<Tensor, Tensor>
{
    readonly Sequential[] branches;
    readonly AdaptiveAvgPool2d avgPool;
    readonly Sequential fc;

    public override string TypeName => "MultiSEAM";
    public long LargestPatch { get; }

    public MultiSeam(long c1, long c2, long depth, long kernelSize = 3, long[]? patchSizes = null, long reduction = 16)
    {
        _ = c2; // the seed replaces c2 by c1
        var patches = patchSizes ?? [3, 5, 7];
        if (patches.Length != 3) throw new ArgumentException($"MultiSEAM: expected 3 patch sizes, got {patches.Length}");
        LargestPatch = patches.Max();
        branches = patches.Select((p, i) => RegisterModule($"DCovN{i}", DcovN.Create(c1, c1, depth, kernelSize, p))).ToArray();
        avgPool = RegisterModule("avg_pool", new AdaptiveAvgPool2d(1));
        fc = RegisterModule("fc", Seam.AttentionFc(c1, reduction));
    }

    public override Tensor Forward(Tensor x)
    {
        if (x.Size(2) < LargestPatch || x.Size(3) < LargestPatch)
            throw new ArgumentException($"MultiSEAM: input {x.Size(2)}x{x.Size(3)} is smaller than its largest patch " +
                                        $"{LargestPatch}x{LargestPatch}");
        using var scope = TensorScope.Begin();
        long b = x.Size(0), c = x.Size(1);
        // Summed in the seed's order (branches 0, 1, 2, then the input) for bit-level agreement.
        var pooled = branches.Select(branch => avgPool.Call(branch.Call(x)).View(b, c)).Append(avgPool.Call(x).View(b, c)).ToArray();
        var sum = pooled[0] + pooled[1] + pooled[2] + pooled[3];
        var weights = fc.Call(sum.Div(4)).View(b, c, 1, 1).Exp();
        return scope.Keep(x * weights.ExpandAs(x));
    }
}
