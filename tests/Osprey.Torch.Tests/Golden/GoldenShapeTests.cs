namespace Osprey.Torch.Tests.Golden;

/// <summary>Views and reshaping, joining and splitting, flips and rolls.</summary>
public class GoldenShapeTests
{
    internal static readonly GoldenCases Cases = new()
    {
        ["view"] = c => c["x"].View(6, 4),
        ["reshape_infer"] = c => c["x"].Reshape(4, -1),
        ["reshape_noncontiguous"] = c => c["x"].Permute(2, 0, 1).Reshape(8, 3),
        ["permute"] = c => c["x"].Permute(2, 0, 1).Contiguous(),
        ["transpose"] = c => c["x"].Transpose(0, 2),
        ["matrix_t"] = c => c["x"].T,
        ["flatten_from1"] = c => c["x"].Flatten(1),
        ["flatten_middle"] = c => c["x"].Flatten(1, 2),
        ["squeeze_all"] = c => c["x"].Squeeze(),
        ["squeeze_dim"] = c => c["x"].Squeeze(2),
        ["unsqueeze_negative"] = c => c["x"].Unsqueeze(-1),
        ["expand"] = c => c["x"].Expand(2, -1, 4),
        ["expand_as"] = c => c["x"].ExpandAs(c["like"]),
        ["narrow"] = c => c["x"].Narrow(2, 1, 2),
        ["select"] = c => c["x"].Select(1, -1),
        ["slice_step"] = c => c["x"].Slice(1, 1, 9, 3),
        ["chunk_uneven"] = c => c["x"].Chunk(3),
        ["split_size"] = c => c["x"].Split(3, dim: 1),
        ["split_sizes"] = c => c["x"].Split([1, 3, 2]),
        ["unbind"] = c => c["x"].Unbind(1),
        ["cat_dim1"] = c => Tensor.Cat([c["a"], c["b"], c["c"]], 1),
        ["stack_dim2"] = c => Tensor.Stack([c["a"], c["b"]], 2),
        ["repeat"] = c => c["x"].Repeat(2, 1, 3),
        ["flip"] = c => c["x"].Flip(0, 2),
        ["roll"] = c => c["x"].Roll([1, -2], [1, 2]),
        ["tril"] = c => c["x"].Tril(1),
        ["triu"] = c => c["x"].Triu(-1),
        ["meshgrid_xy"] = c => Tensor.Meshgrid([c["a"], c["b"]], "xy"),
    };

    public static TheoryData<string> Names => Cases.Names();

    [Theory, MemberData(nameof(Names))]
    public void MatchesPyTorch(string name) => Cases.Check(name);
}
