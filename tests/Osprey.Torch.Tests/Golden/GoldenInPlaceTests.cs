using F = Osprey.Torch.NN.Functional;

namespace Osprey.Torch.Tests.Golden;

/// <summary>In-place ops: each case compares the input tensor itself after the call, so an op that
/// returned a new tensor instead of writing into its input would fail.</summary>
public class GoldenInPlaceTests
{
    internal static readonly GoldenCases Cases = new()
    {
        ["add_inplace_alpha"] = c => Mutated(c["x"], x => x.AddInPlace(c["a"], alpha: -0.5)),
        ["add_inplace_scalar"] = c => Mutated(c["x"], x => x.AddInPlace(0.25)),
        ["sub_inplace_alpha"] = c => Mutated(c["x"], x => x.SubInPlace(c["b"], alpha: 2)),
        ["mul_inplace_broadcast"] = c => Mutated(c["x"], x => x.MulInPlace(c["b"])),
        ["mul_inplace_scalar"] = c => Mutated(c["x"], x => x.MulInPlace(0.9)),
        ["div_inplace"] = c => Mutated(c["x"], x => x.DivInPlace(c["b"])),
        ["div_inplace_scalar"] = c => Mutated(c["x"], x => x.DivInPlace(4.0)),
        ["addcmul_inplace"] = c => Mutated(c["x"], x => x.AddcmulInPlace(c["a"], c["b"], 0.3)),
        ["addcdiv_inplace"] = c => Mutated(c["x"], x => x.AddcdivInPlace(c["a"], c["b"], -0.01)),
        ["lerp_inplace"] = c => Mutated(c["x"], x => x.LerpInPlace(c["a"], 0.1)),
        ["clamp_inplace"] = c => Mutated(c["x"], x => x.ClampInPlace(-0.2, 0.4)),
        ["masked_fill_inplace"] = c => Mutated(c["x"], x => x.MaskedFillInPlace(c["m"], 3.0)),
        ["relu_inplace"] = c => Mutated(c["x"], x => F.ReluInPlace(x)),
        ["silu_inplace"] = c => Mutated(c["x"], x => F.SiluInPlace(x)),
        ["copy_inplace_broadcast"] = c => Mutated(c["x"], x => x.CopyFrom(c["src"])),
        ["copy_inplace_converts"] = c => Mutated(c["x"], x => x.CopyFrom(c["src"])),
        ["fill_inplace"] = c => Mutated(c["x"], x => x.FillInPlace(-1.25)),
        ["zero_inplace"] = c => Mutated(c["x"], x => x.ZeroInPlace()),
    };

    /// <summary>Runs the in-place op, checks it returned its input, and hands back the input (now the result).</summary>
    static Tensor Mutated(Tensor x, Func<Tensor, Tensor> op)
    {
        Assert.Same(x, op(x));
        return x;
    }

    public static TheoryData<string> Names => Cases.Names();

    [Theory, MemberData(nameof(Names))]
    public void MatchesPyTorch(string name) => Cases.Check(name);
}
