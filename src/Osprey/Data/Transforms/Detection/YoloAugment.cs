using Osprey.Torch;

namespace Osprey.Data.Transforms.Detection;

/// <summary>
/// ultralytics' detection training augmentation (v8_transforms) with its default hyperparameters and names: mosaic
/// (probability 1.0; mosaic and mixup end for the last <see cref="CloseMosaic"/> epochs, <see cref="ForEpoch"/>) or load-resize +
/// letterbox, then random perspective (degrees, translate, scale, shear, perspective), optional mixup (probability
/// 0 by default, as ultralytics) with a second sample made the same way, HSV, vertical and horizontal flips.
/// <see cref="Apply"/> is a pure function of the samples and the Random: the dataset wrapper picks the mosaic and
/// mixup partners and passes the sample's seeded generator. (ultralytics' copy-paste needs segment polygons, which
/// detection labels do not have, so it is not offered.)
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
    public double MixUpProbability { get; init; }

    /// <summary>Whether mosaic and mixup have ended by epoch <paramref name="epoch"/> (0-based) of <paramref name="epochs"/>:
    /// ultralytics' trainer closes them when the epoch equals epochs - close_mosaic, so from that epoch on, and never
    /// in a run of fewer than close_mosaic epochs (nor with close_mosaic 0).</summary>
    public bool Closed(int epoch, int epochs) => CloseMosaic > 0 && epochs - CloseMosaic >= 0 && epoch >= epochs - CloseMosaic;

    /// <summary>Whether epoch <paramref name="epoch"/> (0-based) of <paramref name="epochs"/> still draws mosaics.</summary>
    public bool MosaicOn(int epoch, int epochs) => MosaicProbability > 0 && !Closed(epoch, epochs);

    /// <summary>The augmentation of an epoch: after <see cref="Closed"/>, without mosaic and mixup (ultralytics' close_mosaic).</summary>
    public YoloAugment ForEpoch(int epoch, int epochs) => Closed(epoch, epochs) ? this with { MosaicProbability = 0, MixUpProbability = 0 } : this;

    RandomPerspective Affine => new() { Degrees = Degrees, Translate = Translate, Scale = Scale, Shear = Shear, Perspective = Perspective };

    /// <summary>One training sample of imgsz x imgsz: from four samples (the first is the indexed one) when
    /// <paramref name="mosaic"/> is on, else from <c>samples[0]</c> alone. When mixup fires,
    /// <paramref name="mixupPartners"/> gives the second sample's inputs (4 or 1 samples, drawn with the Random).</summary>
    public Sample Apply(IReadOnlyList<Sample> samples, int imgsz, Random random, bool mosaic,
                        Func<Random, IReadOnlyList<Sample>>? mixupPartners = null)
    {
        using var scope = TensorScope.Begin();
        var x = Geometric(samples, imgsz, random, mosaic);
        // ultralytics' BaseMixTransform: skip when U(0, 1) > p; the partner goes through the same mosaic + perspective.
        if (MixUpProbability > 0 && random.NextDouble() <= MixUpProbability)
        {
            if (mixupPartners == null) throw new ArgumentException("mixup is on but no partner samples were given", nameof(mixupPartners));
            var partner = Geometric(mixupPartners(random), imgsz, random, mosaic);
            x = MixUp.Apply(x, partner, MixUp.Ratio(random));
        }
        x = new RandomHsv(HsvH, HsvS, HsvV).Apply(x, random);
        if (random.NextDouble() < FlipUD) x = Geometry.FlipVertical(x);
        if (random.NextDouble() < FlipLR) x = Geometry.FlipHorizontal(x);
        return Geometry.Keep(scope, samples[0], x);
    }

    /// <summary>Mosaic (when on and drawn) or load-resize + letterbox, then random perspective.</summary>
    Sample Geometric(IReadOnlyList<Sample> samples, int imgsz, Random random, bool mosaic)
    {
        if (samples.Count == 0) throw new ArgumentException("no sample to augment", nameof(samples));
        if (mosaic && samples.Count != 4) throw new ArgumentException($"mosaic needs 4 samples, got {samples.Count}", nameof(samples));
        // ultralytics' BaseMixTransform: skip when U(0, 1) > p.
        if (mosaic && random.NextDouble() <= MosaicProbability)
        {
            int border = Mosaic.Border(imgsz);
            return Affine.Apply(Mosaic.Apply(samples.ToArray(), imgsz, random), random, border, border);
        }
        return Affine.Apply(new LetterBox(imgsz).Apply(Mosaic.LoadResize(samples[0], imgsz)), random);
    }
}
