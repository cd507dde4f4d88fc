using Osprey.Models.Layers;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Yolo;

/// <summary>
/// The Detect_SEAM head (YOLO-FaceV2's SEAM on YOLO11's Detect): box branch Conv 3x3, SEAM, 1x1 conv to 64 bins; class branch Conv 3x3, SEAM, 1x1 conv
/// to the classes (each SEAM with one DCovN unit and reduction 16).
/// </summary>
public class DetectSeam : DetectHead
{
    public override string TypeName => "Detect_SEAM";

    public DetectSeam(long numClasses, IReadOnlyList<long> inChannels, Module<Tensor, Tensor> activation)
        : base(numClasses, inChannels)
    {
        var (c2, c3) = BranchChannels();
        SetBranches(
            inChannels.Select(x => new Sequential(new ConvBnAct(x, c2, activation, 3), new Seam(c2, c2, 1, 16),
                                                  new Conv2d(c2, 4 * RegMax, 1))).ToList(),
            inChannels.Select(x => new Sequential(new ConvBnAct(x, c3, activation, 3), new Seam(c3, c3, 1, 16),
                                                  new Conv2d(c3, numClasses, 1))).ToList());
    }
}
