using Osprey.Torch;

namespace Osprey.Metrics;

/// <summary>Accumulates a classifier's top-1 / top-5 hits and confusion matrix over batches.</summary>
public sealed class ClassificationMetrics(int classes)
{
    long top1, top5;

    public ConfusionMatrix Confusion { get; } = new(classes);
    public long Count { get; private set; }

    /// <summary>Adds a batch of scores (N, classes) and labels (N).</summary>
    public void Update(Tensor scores, Tensor labels)
    {
        if (scores.Dim != 2 || scores.Size(1) != Confusion.Classes)
            throw new ArgumentException($"classification metrics for {Confusion.Classes} classes got scores {scores.Describe()}");
        var hits = TopKAccuracy.Hits(scores, labels, 1, 5);
        top1 += hits[0];
        top5 += hits[1];
        Count += scores.Size(0);
        using var scope = TensorScope.Begin();
        Confusion.Add(scores.ArgMax(1), labels);
    }

    /// <summary>The hits and counts, for <see cref="AppendState"/> on metrics of as many classes.</summary>
    public void WriteState(BinaryWriter w)
    {
        w.WriteArray(new[] { top1, top5, Count });
        Confusion.WriteState(w);
    }

    public void AppendState(BinaryReader r)
    {
        var sums = new long[3];
        r.AddArray(sums, "classification hits");
        (top1, top5, Count) = (top1 + sums[0], top5 + sums[1], Count + sums[2]);
        Confusion.AppendState(r);
    }

    public double Top1 => Count == 0 ? double.NaN : (double)top1 / Count;
    public double Top5 => Count == 0 ? double.NaN : (double)top5 / Count;
}
