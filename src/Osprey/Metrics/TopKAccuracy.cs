using Osprey.Torch;

namespace Osprey.Metrics;

/// <summary>Top-k hits: a sample counts when its label is among its k highest-scoring classes.</summary>
public static class TopKAccuracy
{
    /// <summary>
    /// For each k in <paramref name="ks"/>, how many rows of <paramref name="scores"/> (N, C) have their label (N)
    /// among the k best columns. k larger than C counts as C (every sample is a hit). Ties go as torch.topk breaks them.
    /// </summary>
    public static long[] Hits(Tensor scores, Tensor labels, params int[] ks)
    {
        if (scores.Dim != 2) throw new ArgumentException($"top-k accuracy: scores must be (N, classes), got {scores.Describe()}");
        if (labels.Dim != 1 || labels.Size(0) != scores.Size(0))
            throw new ArgumentException($"top-k accuracy: labels must be (N) with N = {scores.Size(0)}, got {labels.Describe()}");
        if (ks.Length == 0 || ks.Any(k => k < 1)) throw new ArgumentException("top-k accuracy: give one or more k >= 1");
        long classes = scores.Size(1);
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        long kMax = Math.Min(ks.Max(), classes);
        var best = scores.TopK(kMax, 1).Indices;                 // (N, kMax) class ids, best first
        var match = best.Eq(labels.To(DType.Int64).Unsqueeze(1)).To(DType.Int64);   // (N, kMax), one 1 at most per row
        var hitsAtRank = match.Sum(0).ToArray<long>();                             // hits at rank r
        return ks.Select(k => hitsAtRank.Take((int)Math.Min(k, classes)).Sum()).ToArray();
    }
}
