namespace Osprey.Torch;

// Reductions, scans, soft-max and selection (topk, sort).
public sealed partial class Tensor
{
    static readonly Op sum = new("aten::sum"), sumDim = new("aten::sum", "dim_IntList");
    static readonly Op mean = new("aten::mean"), meanDim = new("aten::mean", "dim");
    static readonly Op max = new("aten::max"), maxDim = new("aten::max", "dim");
    static readonly Op min = new("aten::min"), minDim = new("aten::min", "dim");
    static readonly Op amax = new("aten::amax"), amin = new("aten::amin");
    static readonly Op argmax = new("aten::argmax"), argmin = new("aten::argmin");
    static readonly Op stdDim = new("aten::std", "correction"), varDim = new("aten::var", "correction");
    static readonly Op vectorNorm = new("aten::linalg_vector_norm"), prod = new("aten::prod"), prodDim = new("aten::prod", "dim_int");
    static readonly Op cumsum = new("aten::cumsum"), softmax = new("aten::softmax", "int"), logSoftmax = new("aten::log_softmax", "int");
    static readonly Op all = new("aten::all"), any = new("aten::any"), allDim = new("aten::all", "dim"), anyDim = new("aten::any", "dim");
    static readonly Op topk = new("aten::topk"), sort = new("aten::sort", "stable"), argsort = new("aten::argsort");
    static readonly Op countNonzero = new("aten::count_nonzero");

    public Tensor Sum() => sum.Tensor(this);
    /// <summary>The sum of all elements accumulated and returned in <paramref name="dtype"/> (torch.sum(x, dtype=)).
    /// A separate name: a Sum(DType) overload would capture Sum(0), since a literal 0 converts to any enum.</summary>
    public Tensor SumAs(DType dtype) => sum.Tensor(this, dtype);
    public Tensor Sum(long[] dims, bool keepDim = false, DType? dtype = null) => sumDim.Tensor(this, dims, keepDim, dtype);
    public Tensor Sum(long dim, bool keepDim = false) => sumDim.Tensor(this, new[] { dim }, keepDim);
    public Tensor Mean() => mean.Tensor(this);
    public Tensor Mean(long[] dims, bool keepDim = false) => meanDim.Tensor(this, dims, keepDim);
    public Tensor Mean(long dim, bool keepDim = false) => meanDim.Tensor(this, new[] { dim }, keepDim);
    public Tensor Prod() => prod.Tensor(this);
    public Tensor Prod(long dim, bool keepDim = false) => prodDim.Tensor(this, dim, keepDim);
    public Tensor CumSum(long dim) => cumsum.Tensor(this, dim);

    public Tensor Max() => max.Tensor(this);
    public Tensor Min() => min.Tensor(this);
    /// <summary>Maximum along <paramref name="dim"/> with the index of each (torch.max(x, dim)).</summary>
    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false) => Pair(maxDim.Tensors(this, dim, keepDim));
    public (Tensor Values, Tensor Indices) Min(long dim, bool keepDim = false) => Pair(minDim.Tensors(this, dim, keepDim));
    public Tensor AMax(long[] dims, bool keepDim = false) => amax.Tensor(this, dims, keepDim);
    public Tensor AMin(long[] dims, bool keepDim = false) => amin.Tensor(this, dims, keepDim);
    public Tensor ArgMax(long? dim = null, bool keepDim = false) => argmax.Tensor(this, dim, keepDim);
    public Tensor ArgMin(long? dim = null, bool keepDim = false) => argmin.Tensor(this, dim, keepDim);

    /// <summary>Standard deviation over <paramref name="dims"/> (all when null); unbiased (N-1) by default.</summary>
    public Tensor Std(long[]? dims = null, bool unbiased = true, bool keepDim = false) =>
        stdDim.Tensor(this, dims, unbiased ? 1L : 0L, keepDim);
    public Tensor Var(long[]? dims = null, bool unbiased = true, bool keepDim = false) =>
        varDim.Tensor(this, dims, unbiased ? 1L : 0L, keepDim);

    /// <summary>Vector p-norm over <paramref name="dims"/> (all when null), as torch.linalg.vector_norm / Tensor.norm.</summary>
    public Tensor Norm(double p = 2, long[]? dims = null, bool keepDim = false) => vectorNorm.Tensor(this, p, dims, keepDim);

    public Tensor Softmax(long dim) => softmax.Tensor(this, dim);
    public Tensor LogSoftmax(long dim) => logSoftmax.Tensor(this, dim);

    public Tensor All() => all.Tensor(this);
    public Tensor Any() => any.Tensor(this);
    public Tensor All(long dim, bool keepDim = false) => allDim.Tensor(this, dim, keepDim);
    public Tensor Any(long dim, bool keepDim = false) => anyDim.Tensor(this, dim, keepDim);
    public Tensor CountNonzero() => countNonzero.Tensor(this, Arg.None);

    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true) =>
        Pair(topk.Tensors(this, k, dim, largest, sorted));

    /// <summary>Sorted values and their indices (stable when asked, as torch.sort(stable=True)).</summary>
    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false, bool stable = false) =>
        Pair(sort.Tensors(this, stable, dim, descending));

    public Tensor ArgSort(long dim = -1, bool descending = false) => argsort.Tensor(this, dim, descending);

    static (Tensor, Tensor) Pair(Tensor[] results) => (results[0], results[1]);
}
