using Osprey.Models.Detection.Boxes;
using Osprey.Torch;

namespace Osprey.Models.Detection.Detr;

/// <summary>Which query predicts which target in one image: pairs ordered by query index.</summary>
public sealed record QueryMatch(long[] Queries, long[] Targets);

/// <summary>
/// DETR's bipartite matcher: per image, the one-to-one assignment of queries to targets minimizing
/// class_weight * (-p(target class)) + box_weight * L1(boxes) + giou_weight * (-GIoU(boxes)), computed without
/// gradients (defaults 1, 5, 2 as the paper). Unmatched queries are to predict "no object".
/// </summary>
public sealed class HungarianMatcher(double classWeight = 1, double boxWeight = 5, double giouWeight = 2)
{
    public double ClassWeight { get; } = classWeight;
    public double BoxWeight { get; } = boxWeight;
    public double GiouWeight { get; } = giouWeight;

    public IReadOnlyList<QueryMatch> Match(DetrPrediction prediction, IReadOnlyList<DetrTarget> targets)
    {
        var (logits, boxes) = prediction;
        if (logits.Size(0) != targets.Count)
            throw new ArgumentException($"HungarianMatcher: {targets.Count} targets for a batch of {logits.Size(0)}");
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        var matches = new List<QueryMatch>();
        for (int i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            if (target.Count == 0)
            {
                matches.Add(new QueryMatch([], []));
                continue;
            }
            var probabilities = logits.Select(0, i).Softmax(-1);                     // (Q, C+1)
            var predicted = boxes.Select(0, i);                                       // (Q, 4)
            var classCost = probabilities.IndexSelect(1, target.Labels).Neg();        // (Q, T)
            var boxCost = (predicted.Unsqueeze(1) - target.Boxes.Unsqueeze(0)).Abs().Sum(-1);
            var giouCost = BoxIou.GeneralizedPairwise(BoxFormat.CxCyWhToXyXy(predicted), BoxFormat.CxCyWhToXyXy(target.Boxes)).Neg();
            var cost = (boxCost * BoxWeight + classCost * ClassWeight + giouCost * GiouWeight).To(DType.Float64);
            long queries = cost.Size(0), count = cost.Size(1);
            var values = cost.ToArray<double>();
            var matrix = new double[queries, count];
            Buffer.BlockCopy(values, 0, matrix, 0, values.Length * sizeof(double));
            var (rows, columns) = LinearAssignment.Solve(matrix);
            matches.Add(new QueryMatch(rows.Select(r => (long)r).ToArray(), columns.Select(c => (long)c).ToArray()));
        }
        return matches;
    }
}
