using Osprey.Torch;

namespace Osprey.Data;

/// <summary>Stacks samples of one image size; the padding mask is all false. A sample of another size is reported by index and source.</summary>
public sealed class StackCollate : ICollate
{
    public static readonly StackCollate Instance = new();

    public Batch Collate(int number, int[] indices, Sample[] samples)
    {
        CollateChecks.Require(number, indices, samples);
        var first = samples[0];
        for (int k = 1; k < samples.Length; k++)
            if (!samples[k].Image.Shape.SequenceEqual(first.Image.Shape))
                throw new InvalidOperationException(
                    $"batch {number}: sample {indices[k]} ({CollateChecks.Describe(samples[k])}) has image shape [{string.Join(", ", samples[k].Image.Shape)}], " +
                    $"sample {indices[0]} ({CollateChecks.Describe(first)}) has [{string.Join(", ", first.Image.Shape)}]: resize or crop to one size, " +
                    "or collate with padding");
        var images = Tensor.Stack(samples.Select(s => s.Image).ToArray());
        var input = ImageBatch.FromTensor(images) with { OriginalSizes = CollateChecks.OriginalSizes(samples) };
        var masks = first.Mask == null ? null : Tensor.Stack(samples.Select(s => s.Mask!).ToArray());
        return CollateChecks.Finish(number, indices, samples, input, masks);
    }
}
