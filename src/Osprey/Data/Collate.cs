using Osprey.Torch;

namespace Osprey.Data;

/// <summary>Stacks transformed samples into a <see cref="Batch"/>; mismatched samples are reported by index and source.</summary>
public static class Collate
{
    public static Batch Samples(int number, int[] indices, Sample[] samples)
    {
        var first = samples[0];
        for (int k = 0; k < samples.Length; k++)
        {
            var image = samples[k].Image;
            if (!image.DType.IsFloatingPoint())
                throw new InvalidOperationException($"batch {number}: sample {indices[k]} ({Describe(samples[k])}) has a {image.DType.Name()} image; " +
                                                    "the loader collates float images: end the transform with ToFloat() (and Normalize)");
            if (!image.Shape.SequenceEqual(first.Image.Shape))
                throw new InvalidOperationException(
                    $"batch {number}: sample {indices[k]} ({Describe(samples[k])}) has image shape [{string.Join(", ", image.Shape)}], " +
                    $"sample {indices[0]} ({Describe(first)}) has [{string.Join(", ", first.Image.Shape)}]: resize or crop to one size");
            if ((samples[k].Mask == null) != (first.Mask == null) || (samples[k].Boxes == null) != (first.Boxes == null))
                throw new InvalidOperationException($"batch {number}: sample {indices[k]} ({Describe(samples[k])}) and sample {indices[0]} " +
                                                    "differ in having a mask or boxes");
        }
        var images = Tensor.Stack(samples.Select(s => s.Image).ToArray());
        var labels = Tensor.From(samples.Select(s => s.Label).ToArray());
        var masks = first.Mask == null ? null : Tensor.Stack(samples.Select(s => s.Mask!).ToArray());
        // Box counts differ per image: they stay a list (copied, so the batch never shares a sample's tensor).
        var boxes = first.Boxes == null ? null : samples.Select(s => s.Boxes!.Contiguous().Clone()).ToArray();
        var boxLabels = first.Boxes == null ? null
            : samples.Select(s => s.BoxLabels?.Clone() ?? Tensor.Full([s.Boxes!.Size(0)], -1, DType.Int64)).ToArray();
        return new Batch(number, indices, images, labels, masks, boxes, boxLabels);
    }

    static string Describe(Sample s) => s.Source ?? "no source";
}
