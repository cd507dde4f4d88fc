using Osprey.Torch;

namespace Osprey.Models;

/// <summary>
/// A criterion's result: <see cref="Total"/> is what backward runs on; <see cref="Terms"/> are the named parts a run
/// logs (YOLO: box/cls/dfl; DETR: loss_ce/loss_bbox/loss_giou with the auxiliary layers summed per name; PSPNet:
/// main/aux). Terms are for logging: they need not sum to the total (ultralytics scales its total by the batch size).
/// The tensors belong to the caller's scope.
/// </summary>
public sealed record LossTerms(Tensor Total, IReadOnlyList<(string Name, Tensor Value)> Terms)
{
    /// <summary>A loss with a single term named <paramref name="name"/>, equal to the total.</summary>
    public static LossTerms Single(Tensor total, string name = "loss") => new(total, [(name, total)]);
}
