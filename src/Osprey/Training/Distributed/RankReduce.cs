using Osprey.Torch;
using Osprey.Torch.Distributed;

namespace Osprey.Training.Distributed;

/// <summary>
/// Sums of plain numbers over the ranks, for what a sharded validation or a criterion counts: metric numerators and
/// denominators, the DETR paper's number of target boxes (the official code all-reduces it, divides by the world size
/// and clamps it at one). A null group is a single process: the values themselves.
/// </summary>
public static class RankReduce
{
    /// <summary>Each value summed over the ranks, in float64 (exact for counts up to 2^53).</summary>
    public static double[] Sum(ProcessGroup? group, params double[] values)
    {
        if (group == null || group.WorldSize == 1 || values.Length == 0) return (double[])values.Clone();
        using var scope = TensorScope.Begin();
        var t = Tensor.From(values);
        group.AllReduce(t, ReduceOp.Sum);
        return t.ToArray<double>();
    }

    /// <summary>Every rank's bytes (of any length), in rank order: the lengths gathered, then the bytes padded to the longest.</summary>
    public static byte[][] Gather(ProcessGroup? group, byte[] mine)
    {
        if (group == null || group.WorldSize == 1) return [(byte[])mine.Clone()];
        using var scope = TensorScope.Begin();
        var lengths = group.AllGather(Tensor.From(new long[] { mine.Length })).ToArray<long>();
        int longest = checked((int)lengths.Max());
        if (longest == 0) return lengths.Select(_ => Array.Empty<byte>()).ToArray();
        var padded = new byte[longest];
        mine.CopyTo(padded, 0);
        var all = group.AllGather(Tensor.FromBytes(padded, DType.UInt8, longest)).ToArray<byte>();
        return lengths.Select((n, rank) => all.AsSpan(rank * longest, (int)n).ToArray()).ToArray();
    }

    /// <summary>The mean over the ranks of each rank's <paramref name="localBoxes"/>, at least 1: DETR's loss normaliser.</summary>
    public static double MeanBoxCount(ProcessGroup? group, double localBoxes) =>
        Math.Max(Sum(group, localBoxes)[0] / (group?.WorldSize ?? 1), 1);
}
