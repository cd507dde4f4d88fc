using Osprey.Torch;
using Osprey.Torch.Distributed;

namespace Osprey.Distributed.Worker;

/// <summary>
/// Every collective once, on values made from the rank, in the order tests/Osprey.Tests/Distributed/torch_rank.py runs
/// them (so a Python rank can take any rank's place). The test checks the results against formulas of the world size.
/// </summary>
public static class CollectiveScenario
{
    public static Dictionary<string, object> Run(ProcessGroup group)
    {
        using var scope = TensorScope.Begin();
        var r = (float)group.Rank;
        var result = new Dictionary<string, object>();

        var sum = Tensor.From([r + 1, 10 * (r + 1), -0.5f * (r + 1)]);
        group.AllReduce(sum, ReduceOp.Sum);
        result["sum"] = sum.ToArray<float>();

        var avg = Tensor.From([r, 2 * r + 1]);
        group.AllReduce(avg, ReduceOp.Avg);
        result["avg"] = avg.ToArray<float>();

        var max = Tensor.From([(long)group.Rank, -(long)group.Rank]);
        group.AllReduce(max, ReduceOp.Max);
        result["max"] = max.ToArray<long>();

        // A bucket of two tensors, one of them a non-contiguous view: one collective over both, results in place.
        var matrix = Tensor.From([r, r + 1, r + 2, r + 3, r + 4, r + 5], 2, 3);
        var column = matrix.Transpose(0, 1);
        var vector = Tensor.From([100 * r, 1, 2, 3]);
        group.AllReduce([column, vector], ReduceOp.Sum);
        result["bucket_matrix"] = matrix.ToArray<float>();
        result["bucket_vector"] = vector.ToArray<float>();

        var root = group.WorldSize - 1;
        var broadcast = Tensor.From([r * 7 + 1, r * 7 + 2]);
        group.Broadcast(broadcast, root);
        result["broadcast"] = broadcast.ToArray<float>();

        var first = Tensor.From([r, r]);
        var second = Tensor.From([r * 3], 1, 1);
        group.Broadcast([first, second], 0);
        result["broadcast_bucket"] = first.ToArray<float>().Concat(second.ToArray<float>()).ToArray();

        var gathered = group.AllGather(Tensor.From([(long)group.Rank, (long)group.Rank * group.Rank, 5]));
        result["gather_shape"] = gathered.Shape;
        result["gather"] = gathered.ToArray<long>();

        group.Barrier();
        return result;
    }
}
