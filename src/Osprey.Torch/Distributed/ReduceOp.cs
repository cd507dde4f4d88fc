namespace Osprey.Torch.Distributed;

/// <summary>How <see cref="ProcessGroup.AllReduce(Tensor, ReduceOp)"/> combines the ranks' tensors (c10d::ReduceOp's numbering).</summary>
public enum ReduceOp
{
    Sum = 0,
    /// <summary>The sum divided by the world size (Gloo has no native average).</summary>
    Avg = 1,
    Product = 2,
    Min = 3,
    Max = 4,
}
