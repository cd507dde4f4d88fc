using Osprey.Data;
using Osprey.Metrics;
using Osprey.Models.Segmentation;

namespace Osprey.Training.Segmentation;

/// <summary>Validation metrics of the segment task: the arg-max of the logits against the collated masks in a
/// <see cref="SegmentationConfusion"/>; values mIoU, mAcc, aAcc (<see cref="MetricNames"/>); fitness = mIoU.</summary>
public sealed class SegmentationEvaluator(int classes, int ignoreIndex = Sample.IgnoreIndex) : IEvaluator<SegmentationOutput>, IMergeableEvaluator
{
    public static readonly IReadOnlyList<string> MetricNames = ["mIoU", "mAcc", "aAcc"];

    public SegmentationConfusion Confusion { get; } = new(classes, ignoreIndex);

    public void Add(SegmentationOutput output, Batch batch)
    {
        var masks = batch.Masks ?? throw new ArgumentException("segmentation metrics: the batch has no masks");
        if (output.Logits.Size(2) != masks.Size(1) || output.Logits.Size(3) != masks.Size(2))
            throw new ArgumentException($"segmentation metrics: logits {output.Logits.Describe()} and masks {masks.Describe()} differ in size " +
                                        "(a valid UNet predicts a smaller centre: use overlap-tile inference)");
        Confusion.AddLogits(output.Logits, masks);
    }

    public void WriteState(BinaryWriter writer) => Confusion.WriteState(writer);
    public void AppendState(BinaryReader reader) => Confusion.AppendState(reader);

    public IReadOnlyList<double> Values()
    {
        var scores = Confusion.Scores();
        return [scores.MeanIou, scores.MeanAccuracy, scores.PixelAccuracy];
    }

    public double Fitness => Confusion.Scores().MeanIou;
}
