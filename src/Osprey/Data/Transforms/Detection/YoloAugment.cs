using Osprey.Torch;

namespace Osprey.Data.Transforms.Detection;

/// <summary>
/// ultralytics' detection training augmentation (v8_transforms) with its default hyperparameters and names: mosaic
/// (probability 1.0, turned off for the last <see cref="CloseMosaic"/> epochs by the caller) or load-resize +
/// letterbox, then random perspective (degrees, translate, scale, shear, perspective), HSV, vertical and horizontal
/// flips. <see cref="Apply"/> is a pure function of the samples and the Random: the dataset wrapper picks the three
/// mosaic partners and passes the sample's seeded generator.
/// </summary>
public sealed record YoloAugment
{
    public double MosaicProbability { get; init; } = 1.0;
    public int CloseMosaic { get; init; } = 10;
    public double Degrees { get; init; }
    public double Translate { get; init; } = 0.1;
    public double Scale { get; init; } = 0.5;
    public double Shear { get; init; }
    public double Perspective { get; init; }
    public double HsvH { get; init; } = 0.015;
    public double HsvS { get; init; } = 0.7;
    public double HsvV { get; init; } = 0.4;
    public double FlipUD { get; init; }
    public double FlipLR { get; init; } = 0.5;

    /// <summary>Whether epoch <paramref name="epoch"/> (0-based) of <paramref name="epochs"/> still uses mosaic.</summary>
    public bool MosaicOn(int epoch, int epochs) => MosaicProbability > 0 && epoch < epochs - CloseMosaic;

    RandomPerspective Affine => new() { Degrees = Degrees, Translate = Translate, Scale = Scale, Shear = Shear, Perspective = Perspective };

    /// <summary>One training sample of imgsz x imgsz: from four samples (the first is the indexed one) when
    /// <paramref name="mosaic"/> is on, else from <c>samples[0]</c> alone.</summary>
    public Sample Apply(IReadOnlyList<Sample> samples, int imgsz, Random random, bool mosaic)
    {
        if (samples.Count == 0) throw new ArgumentException("no sample to augment", nameof(samples));
        if (mosaic && samples.Count != 4) throw new ArgumentException($"mosaic needs 4 samples, got {samples.Count}", nameof(samples));
        using var scope = TensorScope.Begin();
        Sample x;
        // ultralytics' BaseMixTransform: skip when U(0, 1) > p.
        if (mosaic && random.NextDouble() <= MosaicProbability)
        {
            int border = Mosaic.Border(imgsz);
            x = Affine.Apply(Mosaic.Apply(samples.ToArray(), imgsz, random), random, border, border);
        }
        else
        {
            x = Affine.Apply(new LetterBox(imgsz).Apply(Mosaic.LoadResize(samples[0], imgsz)), random);
        }
        x = new RandomHsv(HsvH, HsvS, HsvV).Apply(x, random);
        if (random.NextDouble() < FlipUD) x = Geometry.FlipVertical(x);
        if (random.NextDouble() < FlipLR) x = Geometry.FlipHorizontal(x);
        return Geometry.Keep(scope, samples[0], x);
    }
}
