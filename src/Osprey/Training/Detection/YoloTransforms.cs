using Osprey.Data;
using Osprey.Data.Transforms;
using Osprey.Data.Transforms.Detection;

namespace Osprey.Training.Detection;

/// <summary>
/// The detect task's sample pipelines, as ultralytics prepares images: training samples come out of the
/// <see cref="YoloTrainTransform"/> dataset wrapper (mosaic or letterbox, random perspective, HSV, flips) at imgsz x imgsz
/// and are only scaled to [0, 1] here; validation and prediction letterbox to imgsz (grey 114 padding) and scale.
/// No mean/std normalization (ultralytics divides by 255 only).
/// </summary>
public static class YoloTransforms
{
    public static readonly float[] Mean = [0f, 0f, 0f], Std = [1f, 1f, 1f];

    /// <summary>The training set: every sample drawn through ultralytics' augmentation (mosaic closes by the epoch).</summary>
    public static MultiSampleDataset TrainSet(IDataset<Sample> dataset, YoloAugment augment, int imgsz, int epochs) =>
        new(dataset, new YoloTrainTransform(augment, imgsz, epochs));

    public static ITransform Train() => new ToFloat();

    public static ITransform Eval(int imgsz) => new Compose(new LetterBoxStep(new LetterBox(imgsz)), new ToFloat());

    /// <summary>ultralytics' augmentation from the options of its names (hsv_h, hsv_s, hsv_v, degrees, translate, scale,
    /// shear, perspective, flipud, fliplr, mosaic, mixup, close_mosaic; copy_paste needs segment polygons, which detection
    /// labels do not carry, so it is no option).</summary>
    public static YoloAugment Augment(TrainOptions o) => new()
    {
        HsvH = o.HsvH, HsvS = o.HsvS, HsvV = o.HsvV,
        Degrees = o.Degrees, Translate = o.Translate, Scale = o.Scale, Shear = o.Shear, Perspective = o.Perspective,
        FlipUD = o.Flipud, FlipLR = o.Fliplr,
        MosaicProbability = o.Mosaic, MixUpProbability = o.Mixup, CloseMosaic = o.CloseMosaic,
    };
}

/// <summary>A letterbox as a pipeline step (deterministic: the Random is not used).</summary>
public sealed class LetterBoxStep(LetterBox letterBox) : ITransform
{
    public LetterBox LetterBox => letterBox;

    public Sample Apply(Sample sample, Random random) => letterBox.Apply(sample);
}
