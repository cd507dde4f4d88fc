using Osprey.Models.Detection.Boxes;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Detr;

/// <summary>
/// DETR's set criterion (the official SetCriterion with losses labels, boxes, cardinality). Each decoder
/// layer's predictions are matched to the targets by <see cref="HungarianMatcher"/>; then cross-entropy over
/// all queries (unmatched ones must say "no object", down-weighted by <see cref="NoObjectWeight"/>, 0.1), and for
/// matched queries the L1 and generalized-IoU box losses, both summed and divided by the number of target boxes
/// in the batch (at least 1). Weights: ce 1, L1 5, GIoU 2, the same for every auxiliary layer.
/// </summary>
public sealed class DetrCriterion
{
    public long NumClasses { get; }
    public HungarianMatcher Matcher { get; }
    public double NoObjectWeight { get; }
    public double ClassWeight { get; }
    public double BoxWeight { get; }
    public double GiouWeight { get; }

    public DetrCriterion(long numClasses, HungarianMatcher? matcher = null, double noObjectWeight = 0.1,
                         double classWeight = 1, double boxWeight = 5, double giouWeight = 2)
    {
        if (numClasses < 1) throw new ArgumentException($"DetrCriterion: class count must be positive, got {numClasses}");
        (NumClasses, Matcher, NoObjectWeight) = (numClasses, matcher ?? new HungarianMatcher(), noObjectWeight);
        (ClassWeight, BoxWeight, GiouWeight) = (classWeight, boxWeight, giouWeight);
    }

    /// <param name="boxNormaliser">Turns the batch's box count into the losses' divisor (data-parallel runs average
    /// it over the ranks); by default the count itself, at least 1.</param>
    public DetrLosses Compute(DetrOutput output, IReadOnlyList<DetrTarget> targets, Func<double, double>? boxNormaliser = null)
    {
        if (output.Logits.Size(-1) != NumClasses + 1)
            throw new ArgumentException($"DetrCriterion: logits have {output.Logits.Size(-1)} classes, expected {NumClasses} + no-object");
        for (int i = 0; i < targets.Count; i++) targets[i].Validate(i, NumClasses);
        using var scope = TensorScope.Begin();
        double localBoxes = targets.Sum(t => t.Count);
        double boxCount = boxNormaliser?.Invoke(localBoxes) ?? Math.Max(localBoxes, 1);
        var terms = new Dictionary<string, Tensor>();
        var layers = new List<(DetrPrediction Prediction, string Suffix)> { (new DetrPrediction(output.Logits, output.Boxes), "") };
        layers.AddRange(output.Auxiliary.Select((a, i) => (a, $"_{i}")));
        Tensor? total = null;
        foreach (var (prediction, suffix) in layers)
        {
            var matches = Matcher.Match(prediction, targets);
            var ce = ClassificationLoss(prediction.Logits, targets, matches);
            var (l1, giou) = BoxLosses(prediction.Boxes, targets, matches, boxCount);
            terms["loss_ce" + suffix] = ce;
            terms["loss_bbox" + suffix] = l1;
            terms["loss_giou" + suffix] = giou;
            terms["cardinality_error" + suffix] = CardinalityError(prediction.Logits, targets);
            if (suffix.Length == 0) terms["class_error"] = ClassError(prediction.Logits, targets, matches);
            var weighted = ce * ClassWeight + l1 * BoxWeight + giou * GiouWeight;
            total = total is null ? weighted : total + weighted;
        }
        scope.Keep(total!);
        foreach (var t in terms.Values) scope.Keep(t);
        return new DetrLosses(total!, terms);
    }

    /// <summary>
    /// The loss as a run logs it: loss_ce, loss_bbox and loss_giou each weighted and summed over the final and every
    /// auxiliary layer (so the three add up to the total), then the final layer's class_error and cardinality_error
    /// (logged numbers, no gradient). The tensors are the ones in <paramref name="losses"/>, or new ones in the caller's scope.
    /// </summary>
    public LossTerms ToLossTerms(DetrLosses losses)
    {
        var terms = new List<(string, Tensor)>();
        foreach (var (name, weight) in new[] { ("loss_ce", ClassWeight), ("loss_bbox", BoxWeight), ("loss_giou", GiouWeight) })
        {
            var layers = losses.Terms.Where(t => t.Key == name || IsAuxiliaryOf(t.Key, name)).Select(t => t.Value).ToList();
            if (layers.Count == 0) throw new ArgumentException($"DetrCriterion: the losses have no '{name}' term");
            var sum = layers[0] * weight;
            for (int i = 1; i < layers.Count; i++) sum = sum + layers[i] * weight;
            terms.Add((name, sum));
        }
        foreach (var name in new[] { "class_error", "cardinality_error" })
            if (losses.Terms.TryGetValue(name, out var value)) terms.Add((name, value));
        return new LossTerms(losses.Total, terms);
    }

    static bool IsAuxiliaryOf(string key, string name) =>
        key.Length > name.Length + 1 && key.StartsWith(name + "_") && key[(name.Length + 1)..].All(char.IsAsciiDigit);

    /// <summary>(image index, query index) of every match and the matched targets' labels and boxes, concatenated.</summary>
    static (Tensor Images, Tensor Queries, Tensor Labels, Tensor Boxes) Gather(IReadOnlyList<DetrTarget> targets, IReadOnlyList<QueryMatch> matches,
                                                                               Device device)
    {
        var images = matches.SelectMany((m, i) => Enumerable.Repeat((long)i, m.Queries.Length)).ToArray();
        var queries = matches.SelectMany(m => m.Queries).ToArray();
        var labels = new List<Tensor>();
        var boxes = new List<Tensor>();
        for (int i = 0; i < targets.Count; i++)
        {
            var order = Tensor.From(matches[i].Targets, matches[i].Targets.Length).To(device);
            labels.Add(targets[i].Labels.IndexSelect(0, order));
            boxes.Add(targets[i].Boxes.IndexSelect(0, order));
        }
        return (Tensor.From(images, images.Length).To(device), Tensor.From(queries, queries.Length).To(device),
                Tensor.Cat([.. labels]), Tensor.Cat([.. boxes]));
    }

    Tensor ClassificationLoss(Tensor logits, IReadOnlyList<DetrTarget> targets, IReadOnlyList<QueryMatch> matches)
    {
        using var scope = TensorScope.Begin();
        var (images, queries, labels, _) = Gather(targets, matches, logits.Device);
        var classes = Tensor.Full([logits.Size(0), logits.Size(1)], NumClasses, DType.Int64, logits.Device);
        classes.IndexPutInPlace([images, queries], labels);
        var weight = Tensor.Ones([NumClasses + 1], logits.DType, logits.Device);
        weight[NumClasses].FillInPlace(NoObjectWeight);
        return scope.Keep(Functional.CrossEntropy(logits.Transpose(1, 2), classes, weight));
    }

    static (Tensor L1, Tensor Giou) BoxLosses(Tensor boxes, IReadOnlyList<DetrTarget> targets, IReadOnlyList<QueryMatch> matches, double boxCount)
    {
        using var scope = TensorScope.Begin();
        var (images, queries, _, targetBoxes) = Gather(targets, matches, boxes.Device);
        var matched = boxes.Index(images, queries);
        var l1 = Functional.L1Loss(matched, targetBoxes.To(matched.DType), Reduction.Sum) / boxCount;
        var giou = (1 - BoxIou.GeneralizedAligned(BoxFormat.CxCyWhToXyXy(matched), BoxFormat.CxCyWhToXyXy(targetBoxes.To(matched.DType))))
            .Sum() / boxCount;
        return (scope.Keep(l1), scope.Keep(giou));
    }

    /// <summary>Mean over images of |queries whose arg-max is not no-object - targets|; a logged number, no gradient.</summary>
    Tensor CardinalityError(Tensor logits, IReadOnlyList<DetrTarget> targets)
    {
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        var predicted = logits.ArgMax(-1).Ne(NumClasses).Sum([1L], dtype: DType.Float32);
        var actual = Tensor.From(targets.Select(t => (float)t.Count).ToArray(), targets.Count).To(logits.Device);
        return scope.Keep(Functional.L1Loss(predicted, actual));
    }

    /// <summary>100 - top-1 accuracy (percent) of the matched queries' class predictions; 100 with no targets.</summary>
    static Tensor ClassError(Tensor logits, IReadOnlyList<DetrTarget> targets, IReadOnlyList<QueryMatch> matches)
    {
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        var (images, queries, labels, _) = Gather(targets, matches, logits.Device);
        if (labels.Size(0) == 0) return scope.Keep(Tensor.Full([], 100.0, logits.DType, logits.Device));
        var correct = logits.Index(images, queries).ArgMax(-1).Eq(labels).To(DType.Float32).Mean();
        return scope.Keep((1 - correct) * 100);
    }
}
