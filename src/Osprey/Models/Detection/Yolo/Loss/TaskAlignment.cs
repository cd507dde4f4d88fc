using Osprey.Torch;

namespace Osprey.Models.Detection.Yolo.Loss;

/// <summary>
/// What <see cref="TaskAlignedAssigner"/> gives every anchor of a batch (b images, A anchors, C classes):
/// <see cref="TargetLabels"/> (b, A) int64 class of the assigned target (for background that of the image's target 0),
/// <see cref="TargetBoxes"/> (b, A, 4) its box, <see cref="TargetScores"/> (b, A, C) the one-hot class scaled by
/// the normalized alignment metric (zero for background), <see cref="ForegroundMask"/> (b, A) bool, and
/// <see cref="TargetGtIndex"/> (b, A) int64 index of the assigned target within its image (0 for background).
/// The tensors belong to the caller's scope.
/// </summary>
public sealed record TaskAlignment(Tensor TargetLabels, Tensor TargetBoxes, Tensor TargetScores, Tensor ForegroundMask, Tensor TargetGtIndex)
{
    public Tensor[] Tensors() => [TargetLabels, TargetBoxes, TargetScores, ForegroundMask, TargetGtIndex];
}
