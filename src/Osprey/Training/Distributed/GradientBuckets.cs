using Osprey.Torch;

namespace Osprey.Training.Distributed;

/// <summary>
/// Groups tensors into buckets for one collective each, as PyTorch's DistributedDataParallel does: one dtype per
/// bucket, in the given order, a new bucket once the next tensor would pass the byte cap (a tensor larger than the cap
/// gets a bucket of its own).
/// </summary>
public static class GradientBuckets
{
    /// <summary>DistributedDataParallel's default bucket_cap_mb.</summary>
    public const long DefaultCapBytes = 25L << 20;

    public static List<List<Tensor>> Split(IEnumerable<Tensor> tensors, long capBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capBytes, 1);
        var buckets = new List<List<Tensor>>();
        var open = new Dictionary<DType, (List<Tensor> Bucket, long Bytes)>();
        foreach (var t in tensors)
        {
            var dtype = t.DType;
            var bytes = t.NumEl * dtype.ElementSize();
            if (!open.TryGetValue(dtype, out var current) || (current.Bucket.Count > 0 && current.Bytes + bytes > capBytes))
            {
                current = ([], 0);
                buckets.Add(current.Bucket);
            }
            current.Bucket.Add(t);
            open[dtype] = (current.Bucket, current.Bytes + bytes);
        }
        return buckets;
    }
}
