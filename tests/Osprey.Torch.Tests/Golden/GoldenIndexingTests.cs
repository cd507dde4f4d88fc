using static Osprey.Torch.TensorIndex;

namespace Osprey.Torch.Tests.Golden;

/// <summary>Python indexing (ints, slices, ellipsis, None, masks, index tensors), index_put, gather/scatter and friends.</summary>
public class GoldenIndexingTests
{
    internal static readonly GoldenCases Cases = new()
    {
        ["index_int_slice_ellipsis"] = c => c["x"][1, 0..3, Ellipsis],
        ["index_negative"] = c => c["x"][^1, Ellipsis, ^2],
        ["index_step"] = c => c["x"][.., Slice(1, null, 2)],
        ["index_none"] = c => c["x"][.., NewAxis, 1],
        ["index_bool_mask"] = c => c["x"][c["x"] > 0.3],
        ["index_bool_rows"] = c => c["x"][c["m"]],
        ["index_int_tensor"] = c => c["x"][c["i"]],
        ["index_int_tensor_dim1"] = c => c["x"][.., c["i"]],
        ["index_two_tensors"] = c => c["x"][c["i"], c["j"]],
        ["index_mask_after_slice"] = c => c["x"][.., c["m"]],
        ["index_ellipsis_tensor"] = c => c["x"][Ellipsis, c["i"]],
        ["index_separated_tensors"] = c => c["x"][c["i"], .., c["j"]],
        ["index_tensor_then_int"] = c => c["x"][c["i"], 1],
        ["index_put_tensor"] = c =>
        {
            c["x"][c["i"]] = c["v"];
            return c["x"];
        },
        ["index_put_mask_scalar"] = c => c["x"].IndexPut([c["x"] < 0], 0.5),
        ["index_put_accumulate"] = c => c["x"].IndexPutInPlace([c["i"]], c["v"], accumulate: true),
        ["index_put_pairs_broadcast"] = c =>
        {
            c["x"][c["i"], c["j"]] = c["v"];
            return c["x"];
        },
        ["index_put_slice"] = c =>
        {
            c["x"][1..3] = c["v"];
            return c["x"];
        },

        ["gather"] = c => c["x"].Gather(1, c["i"]),
        ["scatter"] = c => c["x"].Scatter(1, c["i"], c["s"]),
        ["scatter_value"] = c => c["x"].Scatter(0, c["i"], -2.0),
        ["scatter_add"] = c => c["x"].ScatterAdd(1, c["i"], c["s"]),
        ["scatter_reduce_amax"] = c => c["x"].ScatterReduce(0, c["i"], c["s"], "amax", includeSelf: false),
        ["index_select"] = c => c["x"].IndexSelect(1, c["i"]),
        ["masked_fill"] = c => c["x"].MaskedFill(c["m"], -7.5),
        ["masked_fill_tensor"] = c => c["x"].MaskedFill(c["m"], c["v"]),
        ["masked_select"] = c => c["x"].MaskedSelect(c["m"]),
        ["nonzero"] = c => c["x"].Nonzero(),
        ["one_hot"] = c => c["x"].OneHot(6),
        ["one_hot_inferred"] = c => c["x"].OneHot(),
    };

    public static TheoryData<string> Names => Cases.Names();

    [Theory, MemberData(nameof(Names))]
    public void MatchesPyTorch(string name) => Cases.Check(name);
}
