using Osprey.Data;
using Osprey.Models;
using Osprey.Models.Segmentation;
using Osprey.Models.Segmentation.Inference;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Training.Segmentation;

/// <summary>
/// Runs a segmentation model on whole normalized images of any size, as mmsegmentation's test modes do
/// (<see cref="SegmentationTestOptions"/>): the image at once, or a sliding window of crop x crop every stride
/// (default 2/3 crop; overlapping logits averaged); the input padded at the bottom and right to the model's size divisor
/// first and the logits cropped back, so the scores always have the image's size. With test-time augmentation, every
/// (scale, flip) pass runs that way and the softmax probabilities are averaged (<see cref="TestTimeAugmentation"/>).
/// </summary>
public sealed class SegmentationRunner
{
    readonly IImageModel<SegmentationOutput> model;
    readonly SegmentationMode mode;
    readonly TestTimeAugmentation? tta;

    public long Crop { get; }
    public long Stride { get; }
    /// <summary>Input sides must be multiples of this (16 for the padded UNet, 1 otherwise).</summary>
    public long Divisor { get; }

    public SegmentationRunner(Module model, long crop) : this(model, crop, SegmentationTestOptions.Default) { }

    /// <param name="trainingCrop">The crop used when <paramref name="test"/> sets none: the training size.</param>
    public SegmentationRunner(Module model, long trainingCrop, SegmentationTestOptions test)
    {
        this.model = SegmentationTask.Typed(model, "segment");
        if (model is UNet { Options.Valid: true })
            throw new NotSupportedException("segment task: the valid UNet (unet-valid) predicts a smaller centre; it needs overlap-tile " +
                                            "training and inference, which the segment task does not run yet: use unet (padded)");
        test.Validate();
        (mode, tta) = (test.Mode, test.Tta);
        Divisor = SizeDivisor(model);
        Crop = PadToMultiple.Up(test.Crop ?? trainingCrop, Divisor);
        Stride = test.Stride ?? Math.Max(Divisor, PadToMultiple.Up(Crop * 2 / 3, Divisor));
        if (Stride > Crop) throw new ArgumentException($"stride {Stride} is larger than the crop {Crop}: pixels between windows would get no prediction");
    }

    public static long SizeDivisor(Module model) => model is UNet ? 16 : 1;

    /// <summary>Class scores (N, classes, H, W) of normalized images (N, C, H, W), at their size, whose arg-max is the
    /// prediction: the logits, or with test-time augmentation the averaged probabilities.</summary>
    public Tensor Scores(Tensor images) => tta == null ? Logits(images) : tta.Apply(Logits, images);

    /// <summary>The logits of one pass (no test-time augmentation), at the images' size.</summary>
    public Tensor Logits(Tensor images)
    {
        using var scope = TensorScope.Begin();
        long h = images.Size(2), w = images.Size(3);
        long ph = PadToMultiple.Up(h, Divisor), pw = PadToMultiple.Up(w, Divisor);
        var input = ph == h && pw == w ? images : Functional.Pad(images, [0, pw - w, 0, ph - h]);
        Tensor Run(Tensor x) => model.Run(ImageBatch.FromTensor(x)).Logits;
        bool whole = mode == SegmentationMode.Whole || (mode == SegmentationMode.Auto && ph <= Crop && pw <= Crop);
        var logits = whole
            ? SegmentationInference.Whole(Run, input)
            : SegmentationInference.Slide(Run, input, (Crop, Crop), (Stride, Stride));
        return scope.Keep(logits.Narrow(2, 0, h).Narrow(3, 0, w));
    }
}
