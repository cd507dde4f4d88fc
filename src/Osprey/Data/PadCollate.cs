using Osprey.Torch;

namespace Osprey.Data;

/// <summary>
/// Pads images of different sizes to the batch's largest height and width at the bottom and right (zeros), with the
/// padding mask true there, as DETR's nested_tensor_from_tensor_list; masks are padded with <see cref="Sample.IgnoreIndex"/>.
/// Each image's size in the batch and its original size travel in the <see cref="ImageBatch"/>.
/// </summary>
public sealed class PadCollate : ICollate
{
    public static readonly PadCollate Instance = new();

    public Batch Collate(int number, int[] indices, Sample[] samples)
    {
        CollateChecks.Require(number, indices, samples);
        var input = ImageBatch.FromImages(samples.Select(s => s.Image).ToArray()) with { OriginalSizes = CollateChecks.OriginalSizes(samples) };
        Tensor? masks = null;
        if (samples[0].Mask != null)
        {
            long height = input.Images.Size(2), width = input.Images.Size(3);
            masks = Tensor.Full([samples.Length, height, width], Sample.IgnoreIndex, samples[0].Mask!.DType);
            for (int k = 0; k < samples.Length; k++)
            {
                var mask = samples[k].Mask!;
                masks[k, ..(int)mask.Size(0), ..(int)mask.Size(1)].CopyFrom(mask);
            }
        }
        return CollateChecks.Finish(number, indices, samples, input, masks);
    }
}
