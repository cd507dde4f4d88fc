using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Segmentation.Losses;

/// <summary>
/// Per-pixel cross entropy over logits (N, C, H, W) and class-id targets (N, H, W), pixels labelled
/// <see cref="IgnoreIndex"/> left out, as PyTorch's nn.CrossEntropyLoss(weight, ignore_index=255) in the PSPNet
/// authors' training code: the mean over labelled pixels, each weighted by its class weight (divided by the sum of
/// those weights). With a per-pixel weight map (the UNet paper's) the loss is sum(w * ce) / labelled pixels.
/// A batch with no labelled pixel gives 0 (connected to the graph), not NaN.
/// </summary>
public sealed class SegmentationCrossEntropy(float[]? classWeights = null, int ignoreIndex = 255)
{
    public IReadOnlyList<float>? ClassWeights { get; } = classWeights;
    public int IgnoreIndex { get; } = ignoreIndex;

    public Tensor Compute(Tensor logits, Tensor target, Tensor? pixelWeights = null)
    {
        if (logits.Dim != 4 || target.Dim != 3 || logits.Size(0) != target.Size(0) || logits.Size(2) != target.Size(1) || logits.Size(3) != target.Size(2))
            throw new ArgumentException($"segmentation loss: logits {logits.Describe()} must be (N, C, H, W) and targets {target.Describe()} (N, H, W)");
        if (ClassWeights is { } w && w.Count != logits.Size(1))
            throw new ArgumentException($"segmentation loss: {w.Count} class weights for {logits.Size(1)} classes");
        using var scope = TensorScope.Begin();
        var labels = target.Long();
        var valid = labels.Ne(IgnoreIndex);
        var weight = ClassWeights is { } cw ? Tensor.From(cw.ToArray(), cw.Count).To(logits.DType) : null;
        Tensor loss;
        if (valid.Any().Item<bool>() == false)
            loss = logits.Sum() * 0;
        else if (pixelWeights == null)
            loss = Functional.CrossEntropy(logits, labels, weight, Reduction.Mean, IgnoreIndex);
        else
        {
            if (!pixelWeights.Shape.SequenceEqual(target.Shape))
                throw new ArgumentException($"segmentation loss: pixel weights {pixelWeights.Describe()} must match the targets {target.Describe()}");
            var perPixel = Functional.CrossEntropy(logits, labels, weight, Reduction.None, IgnoreIndex);
            loss = (perPixel * pixelWeights.To(logits.DType)).Sum() / valid.SumAs(logits.DType);
        }
        return scope.Keep(loss);
    }
}
