using Osprey.Models.Layers;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Yolo;

/// <summary>
/// The Detect_MultiSEAM head (YOLO-FaceV2's MultiSEAM on YOLO11's Detect): derived from Detect_SEAM, it first builds the SEAM branches and DFL (the base
/// constructor), then replaces them with Conv 3x3, MultiSEAM (depth 1, patches 3/5/7), 1x1 conv branches and a
/// new DFL, as the seed does (so a seeded build draws the same random numbers). The discarded SEAM branches get
/// their own activation object: disposing them must not dispose the model's shared one. Every level must be at
/// least 7x7 (the largest patch): for stride 32 the input must be at least 224 pixels on each side.
/// </summary>
public sealed class DetectMultiSeam : DetectSeam
{
    public override string TypeName => "Detect_MultiSEAM";

    public DetectMultiSeam(long numClasses, IReadOnlyList<long> inChannels, Module<Tensor, Tensor> activation)
        : base(numClasses, inChannels, new SiLU())
    {
        var (c2, c3) = BranchChannels();
        SetBranches(
            inChannels.Select(x => new Sequential(new ConvBnAct(x, c2, activation, 3), new MultiSeam(c2, c2, 1),
                                                  new Conv2d(c2, 4 * RegMax, 1))).ToList(),
            inChannels.Select(x => new Sequential(new ConvBnAct(x, c3, activation, 3), new MultiSeam(c3, c3, 1),
                                                  new Conv2d(c3, numClasses, 1))).ToList());
    }

    protected override void ValidateLevels(IReadOnlyList<Tensor> levels)
    {
        const long patch = 7;
        for (var i = levels.Count - 1; i >= 0; i--)
        {
            long h = levels[i].Size(2), w = levels[i].Size(3);
            if (h >= patch && w >= patch) continue;
            var stride = Strides?[i];
            var need = stride is { } s ? $": the input must be at least {patch * s:0} pixels on each side (stride {s:0})" : "";
            throw new ArgumentException(
                $"Detect_MultiSEAM: level {i} is {h}x{w}, smaller than MultiSEAM's largest patch ({patch}x{patch}){need}");
        }
    }
}
