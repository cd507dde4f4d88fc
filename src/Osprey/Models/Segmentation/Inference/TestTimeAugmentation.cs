using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Segmentation.Inference;

/// <summary>
/// Multi-scale + flip testing (the PSPNet paper's multi-scale test; mmsegmentation's aug_test): the images are
/// resized by each scale (size = floor(size * scale + 0.5), bilinear, align_corners false), optionally mirrored
/// left-right, predicted with <paramref name="predict"/> (e.g. <see cref="SegmentationInference.Slide"/> or
/// <see cref="SegmentationInference.Whole"/> around the model), un-mirrored, resized back to the original size, and the
/// softmax probabilities averaged over every (scale, flip) pass. Returns probabilities (N, K, H, W) at the input size.
/// </summary>
public sealed record TestTimeAugmentation(double[] Scales, bool Flip = true)
{
    /// <summary>The PSPNet paper's scales for multi-scale testing.</summary>
    public static readonly double[] PaperScales = [0.5, 0.75, 1.0, 1.25, 1.5, 1.75];

    public Tensor Apply(Func<Tensor, Tensor> predict, Tensor images)
    {
        SegmentationInference.CheckImages(images);
        if (Scales.Length == 0 || Scales.Any(s => !(s > 0))) throw new ArgumentException($"test-time scales must be positive, got [{string.Join(", ", Scales)}]");
        using var scope = TensorScope.Begin();
        long h = images.Size(2), w = images.Size(3);
        Tensor? sum = null;
        int passes = 0;
        foreach (var scale in Scales)
        {
            long sh = Math.Max(1, (long)Math.Floor(h * scale + 0.5)), sw = Math.Max(1, (long)Math.Floor(w * scale + 0.5));
            using var scaleScope = TensorScope.Begin();
            var scaled = sh == h && sw == w ? images : Functional.Interpolate(images, [sh, sw], mode: "bilinear", alignCorners: false);
            foreach (var flipped in Flip ? new[] { false, true } : [false])
            {
                using var passScope = TensorScope.Begin();
                var logits = predict(flipped ? scaled.Flip(3) : scaled);
                if (flipped) logits = logits.Flip(3);
                var probabilities = SegmentationInference.Resize(logits, h, w).Softmax(1);
                if (sum == null) sum = probabilities;
                else sum.AddInPlace(probabilities);
                passScope.Keep(sum);
                passes++;
            }
            scaleScope.Keep(sum!);
        }
        return scope.Keep(sum! / passes);
    }
}
