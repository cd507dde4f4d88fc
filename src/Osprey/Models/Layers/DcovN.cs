using Osprey.Torch.NN;

namespace Osprey.Models.Layers;

/// <summary>
/// YOLO-FaceV2's DcovN: a patch embedding (conv c1 -> c2 with kernel = stride = patch size, SiLU, BN) followed by
/// <c>depth</c> units of [Residual(depthwise k x k conv with padding 1, SiLU, BN), pointwise 1x1 conv, SiLU, BN].
/// Returned as a plain Sequential (children 0, 1, 2, 3, ...), as the seed's function returns nn.Sequential.
/// Each SiLU is its own module. The input must be at least patch x patch.
/// </summary>
public static class DcovN
{
    public static Sequential Create(long c1, long c2, long depth, long kernelSize = 3, long patchSize = 3)
    {
        var layers = new List<Module<Osprey.Torch.Tensor, Osprey.Torch.Tensor>>
        {
            new Conv2d(c1, c2, patchSize, patchSize), new SiLU(), Seam.YoloBatchNorm(c2),
        };
        for (var i = 0; i < depth; i++)
            layers.Add(new Sequential(
                new Residual(new Sequential(new Conv2d(c2, c2, kernelSize, 1, 1, groups: c2), new SiLU(), Seam.YoloBatchNorm(c2))),
                new Conv2d(c2, c2, 1, 1, 0), new SiLU(), Seam.YoloBatchNorm(c2)));
        return new Sequential(layers);
    }
}
