using Osprey.Torch;

namespace Osprey.Data;

/// <summary>
/// One example as it flows from a dataset through transforms to the loader: the image plus whatever annotations travel
/// with it, so geometric transforms can move boxes and masks together with the pixels.
/// <list type="bullet">
/// <item><see cref="Image"/>: CHW, uint8 as decoded (int32 for 16-bit PNG), float after <c>ToFloat</c>.</item>
/// <item><see cref="Label"/>: the class index for classification, -1 when there is none.</item>
/// <item><see cref="Boxes"/>: (N, 4) float32 corners x1, y1, x2, y2 in pixels of <see cref="Image"/>; <see cref="BoxLabels"/> (N) int64.</item>
/// <item><see cref="Mask"/>: (H, W) class ids (uint8 or int64) aligned with the image; <see cref="Sample.IgnoreIndex"/> marks "ignore".</item>
/// </list>
/// A transform returns a new Sample (use <c>with</c>); the tensors belong to the TensorScope they were made in.
/// Dispose releases them explicitly when a sample is used outside a scope.
/// </summary>
public sealed record Sample(Tensor Image) : IDisposable
{
    /// <summary>The mask value meaning "not labelled" (PASCAL VOC's object borders), also the fill for padded mask areas.</summary>
    public const int IgnoreIndex = 255;

    public long Label { get; init; } = -1;
    public Tensor? Boxes { get; init; }
    public Tensor? BoxLabels { get; init; }
    public Tensor? Mask { get; init; }
    /// <summary>Detection ground truth in original image coordinates, crowd regions included (for evaluators); null
    /// for other tasks.</summary>
    public BoxAnnotations? Annotations { get; init; }
    /// <summary>The image's size as decoded, before any transform (the loader sets it when the dataset did not).</summary>
    public (long Height, long Width)? OriginalSize { get; init; }
    /// <summary>Where the sample came from (file path, or "dataset[index]"), for error messages.</summary>
    public string? Source { get; init; }

    public long Height => Image.Size(-2);
    public long Width => Image.Size(-1);

    /// <summary>Every tensor this sample refers to.</summary>
    public IEnumerable<Tensor> Tensors()
    {
        yield return Image;
        if (Boxes != null) yield return Boxes;
        if (BoxLabels != null) yield return BoxLabels;
        if (Mask != null) yield return Mask;
    }

    public void Dispose()
    {
        foreach (var t in Tensors()) t.Dispose();
    }
}
