using Osprey.Torch;

namespace Osprey.Models.Detection.Detr;

/// <summary>
/// DETR's loss: <see cref="Total"/> (the weighted sum to back-propagate) and every term by the official names:
/// loss_ce, loss_bbox, loss_giou, and the logged class_error (percent of matched queries with the wrong class,
/// final layer only) and cardinality_error (|predicted objects - targets| per image); auxiliary layer i adds
/// the same terms suffixed _i (no class_error).
/// </summary>
public sealed record DetrLosses(Tensor Total, IReadOnlyDictionary<string, Tensor> Terms) : IDisposable
{
    public void Dispose()
    {
        Total.Dispose();
        foreach (var t in Terms.Values) t.Dispose();
    }
}
