using Osprey.Data;
using Osprey.Models;
using Osprey.Models.Detection;
using Osprey.Models.Detection.Yolo.Loss;
using Osprey.Training.Distributed;

namespace Osprey.Training.Detection;

/// <summary>The detect task's loss for YOLO heads: ultralytics' v8DetectionLoss (<see cref="DetectionLoss"/>) of the raw
/// maps against each image's boxes and classes as the batch holds them (corners in pixels of the network input).</summary>
public sealed class YoloCriterion(DetectionLoss loss) : ICriterion<DetectionOutput>, IRankAwareCriterion<DetectionOutput>
{
    /// <summary>ultralytics' trainer multiplies the loss by the world size under DDP: its total scales with the
    /// rank's batch, and DDP averages the gradients, so the product keeps them those of the global batch.</summary>
    public ICriterion<DetectionOutput> ForWorld(Osprey.Torch.Distributed.ProcessGroup group) =>
        new WorldScaledCriterion<DetectionOutput>(this, group.WorldSize);

    public DetectionLoss Loss { get; } = loss;

    public LossTerms Compute(DetectionOutput output, Batch batch) => Loss.Compute(output.RawMaps, Targets(batch));

    /// <summary>One <see cref="DetectionTarget"/> per image of the batch (its tensors are the batch's).</summary>
    public static IReadOnlyList<DetectionTarget> Targets(Batch batch)
    {
        if (batch.Boxes is not { } boxes || batch.BoxLabels is not { } labels)
            throw new ArgumentException($"detection loss: batch {batch.Number} has no boxes (every sample needs Sample.Boxes and Sample.BoxLabels, " +
                                        "empty for an image without objects)");
        return boxes.Zip(labels, (b, l) => new DetectionTarget(l, b)).ToArray();
    }
}
