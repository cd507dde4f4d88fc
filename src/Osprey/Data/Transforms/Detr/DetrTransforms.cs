namespace Osprey.Data.Transforms.Detr;

/// <summary>
/// The sizes of DETR's augmentation; the defaults are the paper's COCO recipe (shorter side 480..800 step 32, longer
/// side at most 1333; the crop branch resizes to 400/500/600 and crops 384..600; validation at 800). Scale them down
/// together to train at smaller sizes on a CPU.
/// </summary>
public sealed record DetrTransformSizes
{
    public IReadOnlyList<long> Scales { get; init; } = Enumerable.Range(0, 11).Select(i => 480L + 32 * i).ToArray();
    public long MaxSize { get; init; } = 1333;
    public IReadOnlyList<long> CropResizeSizes { get; init; } = [400, 500, 600];
    public long CropMin { get; init; } = 384;
    public long CropMax { get; init; } = 600;
    public long ValSize { get; init; } = 800;

    public void Validate()
    {
        if (CropResizeSizes.Count > 0 && CropResizeSizes.Min() < CropMin)
            throw new ArgumentException($"DETR transform sizes: the crop branch resizes to {CropResizeSizes.Min()}, below its crop minimum {CropMin}");
        if (Scales.Count == 0 || CropResizeSizes.Count == 0) throw new ArgumentException("DETR transform sizes: scales and crop resize sizes must not be empty");
    }
}

/// <summary>facebookresearch/detr's make_coco_transforms, on uint8 CHW samples with x0, y0, x1, y1 pixel boxes.
/// Both end with ToFloat + ImageNet Normalize; the targets' normalized (cx, cy, w, h) come from <see cref="DetrBoxes.NormalizedCxCyWh"/>.</summary>
public static class DetrTransforms
{
    /// <summary>Random horizontal flip; then either a multi-scale resize, or (even odds) resize to one of the crop
    /// branch's sizes, a random size crop and the multi-scale resize; then normalization.</summary>
    public static ITransform Train(DetrTransformSizes? sizes = null)
    {
        sizes ??= new DetrTransformSizes();
        sizes.Validate();
        return new Compose(
            new RandomHorizontalFlip(),
            new RandomSelect(
                new DetrRandomResize(sizes.Scales, sizes.MaxSize),
                new Compose(
                    new DetrRandomResize(sizes.CropResizeSizes),
                    new DetrRandomSizeCrop(sizes.CropMin, sizes.CropMax),
                    new DetrRandomResize(sizes.Scales, sizes.MaxSize))),
            new ToFloat(),
            new Normalize(Normalize.ImageNetMean, Normalize.ImageNetStd));
    }

    /// <summary>The shorter side to <see cref="DetrTransformSizes.ValSize"/> (longer at most MaxSize), then normalization.</summary>
    public static ITransform Val(DetrTransformSizes? sizes = null)
    {
        sizes ??= new DetrTransformSizes();
        sizes.Validate();
        return new Compose(new DetrRandomResize([sizes.ValSize], sizes.MaxSize), new ToFloat(),
                           new Normalize(Normalize.ImageNetMean, Normalize.ImageNetStd));
    }
}
