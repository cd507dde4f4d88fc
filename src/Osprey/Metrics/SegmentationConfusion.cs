using Osprey.Torch;

namespace Osprey.Metrics;

/// <summary>
/// The per-pixel confusion matrix of a segmentation evaluation: row = the label's class, column = the prediction.
/// Each batch is counted on the tensor side (one bincount over label * classes + prediction); pixels whose label is
/// the ignore value are left out, as mmsegmentation's intersect_and_union leaves them out.
/// </summary>
public sealed class SegmentationConfusion
{
    static readonly Op bincount = new("aten::bincount"), addInt = new("aten::add", "Tensor");
    readonly long[] counts;

    public int Classes { get; }
    public int IgnoreIndex { get; }

    public SegmentationConfusion(int classes, int ignoreIndex = 255)
    {
        if (classes < 1) throw new ArgumentException($"segmentation confusion: class count {classes} must be positive");
        if (ignoreIndex >= 0 && ignoreIndex < classes) throw new ArgumentException($"ignore index {ignoreIndex} is one of the {classes} classes");
        (Classes, IgnoreIndex) = (classes, ignoreIndex);
        counts = new long[(long)classes * classes];
    }

    /// <summary>Pixels labelled <paramref name="actual"/> and predicted <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => counts[(long)actual * Classes + predicted];

    public long Total => counts.Sum();

    /// <summary>Adds predicted class ids and labels of the same shape ((N, H, W) or (H, W), any integer dtype).</summary>
    public void Add(Tensor predicted, Tensor label)
    {
        if (!predicted.Shape.SequenceEqual(label.Shape))
            throw new ArgumentException($"segmentation confusion: predictions {predicted.Describe()} and labels {label.Describe()} differ in shape");
        if (predicted.DType.IsFloatingPoint() || label.DType.IsFloatingPoint())
            throw new ArgumentException($"segmentation confusion takes class ids, not scores: got {predicted.Describe()} and {label.Describe()} (use ArgMax(1))");
        using var scope = TensorScope.Begin();
        var l = label.Flatten().Long();
        var p = predicted.Flatten().Long();
        var valid = l.Ne(IgnoreIndex);
        l = l.MaskedSelect(valid);
        p = p.MaskedSelect(valid);
        if (l.NumEl == 0) return;
        CheckRange(l, "label", $" (not the ignore value {IgnoreIndex})");
        CheckRange(p, "prediction", "");
        // Integer add with an integer alpha: Tensor.Add passes alpha as a double, which ATen refuses for int64.
        var index = addInt.Tensor(p, l, (long)Classes);
        var pairs = bincount.Tensor(index, (Tensor?)null, (long)Classes * Classes).ToArray<long>();
        for (int i = 0; i < pairs.Length; i++) counts[i] += pairs[i];
    }

    void CheckRange(Tensor ids, string what, string note)
    {
        long min = ids.Min().Item<long>(), max = ids.Max().Item<long>();
        if (min < 0 || max >= Classes)
            throw new ArgumentOutOfRangeException(what, $"segmentation confusion: a {what} is {(min < 0 ? min : max)}{note}, outside [0, {Classes})");
    }

    /// <summary>Adds the arg-max classes of logits (N, K, H, W) against labels (N, H, W); logits at another size than the
    /// labels are an error (resize them to the original size first).</summary>
    public void AddLogits(Tensor logits, Tensor labels)
    {
        if (logits.Dim != 4 || logits.Size(1) != Classes)
            throw new ArgumentException($"segmentation confusion: logits {logits.Describe()} must be (N, {Classes}, H, W)");
        using var scope = TensorScope.Begin();
        Add(logits.ArgMax(1), labels);
    }

    public void Add(SegmentationConfusion other)
    {
        if (other.Classes != Classes) throw new ArgumentException($"confusion matrices of {Classes} and {other.Classes} classes cannot be added");
        for (int i = 0; i < counts.Length; i++) counts[i] += other.counts[i];
    }

    /// <summary>The counts, for <see cref="AppendState"/> on a confusion of as many classes.</summary>
    public void WriteState(BinaryWriter w) => w.WriteArray(counts);

    public void AppendState(BinaryReader r) => r.AddArray(counts, "segmentation confusion");

    /// <summary>The scores of everything added so far.</summary>
    public SegmentationScores Scores() => SegmentationScores.FromConfusion(this);
}
