using Osprey.Data;
using Osprey.Models;
using Osprey.Models.Segmentation;
using Osprey.Models.Segmentation.Inference;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Training.Segmentation;

/// <summary>
/// Runs a segmentation model on whole normalized images of any size, as mmsegmentation's test modes do: the image at
/// once when it fits the training crop, else a sliding window of crop x crop every 2/3 crop (overlapping logits
/// averaged); the input padded at the bottom and right to the model's size divisor first and the logits cropped back,
/// so the logits always have the image's size.
/// </summary>
public sealed class SegmentationRunner
{
    readonly IImageModel<SegmentationOutput> model;

    public long Crop { get; }
    /// <summary>Input sides must be multiples of this (16 for the padded UNet, 1 otherwise).</summary>
    public long Divisor { get; }

    public SegmentationRunner(Module model, long crop)
    {
        this.model = SegmentationTask.Typed(model, "segment");
        if (model is UNet { Options.Valid: true })
            throw new NotSupportedException("segment task: the valid UNet (unet-valid) predicts a smaller centre; it needs overlap-tile " +
                                            "training and inference, which the segment task does not run yet: use unet (padded)");
        Divisor = SizeDivisor(model);
        Crop = PadToMultiple.Up(crop, Divisor);
    }

    public static long SizeDivisor(Module model) => model is UNet ? 16 : 1;

    /// <summary>Logits (N, classes, H, W) of normalized images (N, C, H, W), at their size.</summary>
    public Tensor Logits(Tensor images)
    {
        using var scope = TensorScope.Begin();
        long h = images.Size(2), w = images.Size(3);
        long ph = PadToMultiple.Up(h, Divisor), pw = PadToMultiple.Up(w, Divisor);
        var input = ph == h && pw == w ? images : Functional.Pad(images, [0, pw - w, 0, ph - h]);
        Tensor Run(Tensor x) => model.Run(ImageBatch.FromTensor(x)).Logits;
        var logits = ph <= Crop && pw <= Crop
            ? SegmentationInference.Whole(Run, input)
            : SegmentationInference.Slide(Run, input, (Crop, Crop), (Stride, Stride));
        return scope.Keep(logits.Narrow(2, 0, h).Narrow(3, 0, w));
    }

    long Stride => Math.Max(Divisor, PadToMultiple.Up(Crop * 2 / 3, Divisor));
}
