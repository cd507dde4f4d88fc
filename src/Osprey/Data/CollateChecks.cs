using Osprey.Torch;

namespace Osprey.Data;

/// <summary>What every collate checks and builds alike: float images, the same annotations on every sample, labels and box lists.</summary>
internal static class CollateChecks
{
    public static void Require(int number, int[] indices, Sample[] samples)
    {
        if (samples.Length == 0) throw new ArgumentException($"batch {number}: no samples");
        var first = samples[0];
        for (int k = 0; k < samples.Length; k++)
        {
            var image = samples[k].Image;
            if (!image.DType.IsFloatingPoint())
                throw new InvalidOperationException($"batch {number}: sample {indices[k]} ({Describe(samples[k])}) has a {image.DType.Name()} image; " +
                                                    "the loader collates float images: end the transform with ToFloat() (and Normalize)");
            if (image.Dim != 3 || image.Size(0) != first.Image.Size(0))
                throw new InvalidOperationException($"batch {number}: sample {indices[k]} ({Describe(samples[k])}) has image shape " +
                                                    $"[{string.Join(", ", image.Shape)}]; expected (C, H, W) with C = {first.Image.Size(0)} as sample {indices[0]}");
            if ((samples[k].Mask == null) != (first.Mask == null) || (samples[k].Boxes == null) != (first.Boxes == null))
                throw new InvalidOperationException($"batch {number}: sample {indices[k]} ({Describe(samples[k])}) and sample {indices[0]} " +
                                                    "differ in having a mask or boxes");
        }
    }

    public static IReadOnlyList<(long Height, long Width)> OriginalSizes(Sample[] samples) =>
        samples.Select(s => s.OriginalSize ?? (s.Height, s.Width)).ToArray();

    public static Batch Finish(int number, int[] indices, Sample[] samples, ImageBatch input, Tensor? masks)
    {
        var labels = Tensor.From(samples.Select(s => s.Label).ToArray(), samples.Length);   // 1-D even for one sample (From makes a 0-d tensor of one value)
        // Box counts differ per image: they stay a list (copied, so the batch never shares a sample's tensor).
        var first = samples[0];
        var boxes = first.Boxes == null ? null : samples.Select(s => s.Boxes!.Contiguous().Clone()).ToArray();
        var boxLabels = first.Boxes == null ? null
            : samples.Select(s => s.BoxLabels?.Clone() ?? Tensor.Full([s.Boxes!.Size(0)], -1, DType.Int64)).ToArray();
        return new Batch(number, indices, samples.Select(s => s.Source).ToArray(), input, labels, masks, boxes, boxLabels)
        {
            Annotations = samples.Select(s => s.Annotations).ToArray(),
        };
    }

    public static string Describe(Sample s) => s.Source ?? "no source";
}
