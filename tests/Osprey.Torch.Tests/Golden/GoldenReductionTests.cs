namespace Osprey.Torch.Tests.Golden;

/// <summary>Reductions, scans, soft-max, and selection with indices (max/min, topk, sort).</summary>
public class GoldenReductionTests
{
    internal static readonly GoldenCases Cases = new()
    {
        ["sum_all"] = c => c["x"].Sum(),
        ["sum_dims_keepdim"] = c => c["x"].Sum([0, 2], keepDim: true),
        ["sum_dim_negative"] = c => c["x"].Sum(-1),
        ["sum_int_to_int64"] = c => c["x"].Sum(1),
        ["mean_all"] = c => c["x"].Mean(),
        ["mean_dims"] = c => c["x"].Mean([1, 2]),
        ["mean_dim_keepdim"] = c => c["x"].Mean(1, keepDim: true),
        ["max_all"] = c => c["x"].Max(),
        ["min_all"] = c => c["x"].Min(),
        ["max_dim"] = c => c["x"].Max(1),
        ["min_dim_keepdim"] = c => c["x"].Min(2, keepDim: true),
        ["amax"] = c => c["x"].AMax([0, 2]),
        ["amin_keepdim"] = c => c["x"].AMin([1], keepDim: true),
        ["argmax_flat"] = c => c["x"].ArgMax(),
        ["argmax_dim"] = c => c["x"].ArgMax(1),
        ["argmin_dim_keepdim"] = c => c["x"].ArgMin(0, keepDim: true),
        ["std_unbiased_all"] = c => c["x"].Std(),
        ["std_biased_dim"] = c => c["x"].Std([1], unbiased: false),
        ["var_unbiased_dims"] = c => c["x"].Var([0, 2], keepDim: true),
        ["var_biased_all"] = c => c["x"].Var(unbiased: false),
        ["norm_l2_all"] = c => c["x"].Norm(),
        ["norm_l1_dim"] = c => c["x"].Norm(1, [2]),
        ["norm_inf_dim"] = c => c["x"].Norm(double.PositiveInfinity, [0]),
        ["prod_all"] = c => c["x"].Prod(),
        ["prod_dim"] = c => c["x"].Prod(1, keepDim: true),
        ["cumsum"] = c => c["x"].CumSum(1),
        ["softmax"] = c => c["x"].Softmax(1),
        ["softmax_last"] = c => c["x"].Softmax(-1),
        ["log_softmax"] = c => c["x"].LogSoftmax(-1),
        ["all"] = c => c["x"].All(),
        ["any_dim"] = c => c["x"].Any(1),
        ["all_dim_keepdim"] = c => c["x"].All(0, keepDim: true),
        ["count_nonzero"] = c => c["x"].CountNonzero(),
        ["topk_largest"] = c => c["x"].TopK(3),
        ["topk_smallest_dim0"] = c => c["x"].TopK(2, dim: 0, largest: false),
        ["sort"] = c => c["x"].Sort(),
        ["sort_stable_descending"] = c => c["x"].Sort(1, descending: true, stable: true),
        ["argsort_dim0"] = c => c["x"].ArgSort(0, descending: true),
    };

    public static TheoryData<string> Names => Cases.Names();

    [Theory, MemberData(nameof(Names))]
    public void MatchesPyTorch(string name) => Cases.Check(name);
}
