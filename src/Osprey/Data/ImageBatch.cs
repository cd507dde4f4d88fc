using Osprey.Torch;

namespace Osprey.Data;

/// <summary>
/// Images of different sizes in one tensor (DETR's NestedTensor): <see cref="Images"/> (N, C, H, W) with every
/// image at the top-left, zero-padded to the largest height and width, and <see cref="Mask"/> (N, H, W), bool,
/// true on padding. <see cref="Sizes"/> keeps each image's own (height, width) in the batch, <see cref="OriginalSizes"/>
/// each image's size as decoded, before any resize (what predictions are scaled back to; the batch size when not given).
/// This is every model's input (see <c>IImageModel</c>).
/// </summary>
public sealed record ImageBatch(Tensor Images, Tensor Mask, IReadOnlyList<(long Height, long Width)> Sizes) : IDisposable
{
    readonly IReadOnlyList<(long Height, long Width)>? originalSizes;

    public IReadOnlyList<(long Height, long Width)> OriginalSizes
    {
        get => originalSizes ?? Sizes;
        init => originalSizes = value.Count == Sizes.Count ? value
            : throw new ArgumentException($"ImageBatch: {value.Count} original sizes for {Sizes.Count} images");
    }

    /// <summary>Pads CHW images (same channel count and dtype) into one batch; the caller owns the result.</summary>
    public static ImageBatch FromImages(IReadOnlyList<Tensor> images)
    {
        if (images.Count == 0) throw new ArgumentException("ImageBatch: no images");
        var first = images[0];
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            if (image.Dim != 3 || image.Size(0) != first.Size(0) || image.DType != first.DType || image.Device != first.Device)
                throw new ArgumentException($"ImageBatch: image {i} must be (C, H, W) like image 0 ({first.Describe()}), got {image.Describe()}");
            if (image.Size(1) == 0 || image.Size(2) == 0)
                throw new ArgumentException($"ImageBatch: image {i} is empty ({image.Describe()})");
        }
        using var scope = TensorScope.Begin();
        long height = images.Max(i => i.Size(1)), width = images.Max(i => i.Size(2));
        var batch = Tensor.Zeros([images.Count, first.Size(0), height, width], first.DType, first.Device);
        var mask = Tensor.Ones([images.Count, height, width], DType.Bool, first.Device);
        var sizes = new List<(long, long)>();
        for (int i = 0; i < images.Count; i++)
        {
            long h = images[i].Size(1), w = images[i].Size(2);
            batch[i, TensorIndex.All, ..(int)h, ..(int)w].CopyFrom(images[i]); // recorded: gradients reach the images
            mask[i, ..(int)h, ..(int)w].FillInPlace(0);
            sizes.Add((h, w));
        }
        return new ImageBatch(scope.Keep(batch), scope.Keep(mask), sizes);
    }

    /// <summary>A batch (N, C, H, W) of same-sized images: nothing is padded (the mask is all false).</summary>
    public static ImageBatch FromTensor(Tensor images)
    {
        if (images.Dim != 4) throw new ArgumentException($"ImageBatch: expected (N, C, H, W), got {images.Describe()}");
        long n = images.Size(0), h = images.Size(2), w = images.Size(3);
        var mask = Tensor.Zeros([n, h, w], DType.Bool, images.Device);
        return new ImageBatch(images.Alias(), mask, Enumerable.Repeat((h, w), (int)n).ToList());
    }

    public void Dispose()
    {
        Images.Dispose();
        Mask.Dispose();
    }
}
