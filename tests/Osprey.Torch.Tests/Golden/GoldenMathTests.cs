namespace Osprey.Torch.Tests.Golden;

/// <summary>Element-wise math and broadcasting, comparisons and logic, matrix products, dtype conversions.</summary>
public class GoldenMathTests
{
    internal static readonly GoldenCases Cases = new()
    {
        ["add_broadcast"] = c => c["a"] + c["b"],
        ["add_alpha"] = c => c["a"].Add(c["b"], alpha: 2.5),
        ["add_scalar"] = c => c["a"] + 1.5,
        ["sub_broadcast"] = c => c["a"] - c["b"],
        ["rsub_scalar"] = c => 2.0 - c["a"],
        ["mul_broadcast"] = c => c["a"] * c["b"],
        ["mul_scalar"] = c => c["a"] * -0.75,
        ["div_broadcast"] = c => c["a"] / c["b"],
        ["div_scalar_by_tensor"] = c => 3.0 / c["a"],
        ["div_floor"] = c => c["a"].Div(c["b"], "floor"),
        ["div_trunc"] = c => c["a"].Div(c["b"], "trunc"),
        ["remainder"] = c => c["a"] % c["b"],
        ["remainder_scalar"] = c => c["a"] % 1.5,
        ["pow_scalar"] = c => c["x"].Pow(3),
        ["pow_fractional"] = c => c["x"].Pow(0.5),
        ["pow_tensor"] = c => c["x"].Pow(c["e"]),

        ["neg"] = c => -c["x"],
        ["abs"] = c => c["x"].Abs(),
        ["exp"] = c => c["x"].Exp(),
        ["log"] = c => c["x"].Log(),
        ["log2"] = c => c["x"].Log2(),
        ["log1p"] = c => c["x"].Log1p(),
        ["sqrt"] = c => c["x"].Sqrt(),
        ["rsqrt"] = c => c["x"].Rsqrt(),
        ["sigmoid"] = c => c["x"].Sigmoid(),
        ["tanh"] = c => c["x"].Tanh(),
        ["sin"] = c => c["x"].Sin(),
        ["cos"] = c => c["x"].Cos(),
        ["erf"] = c => c["x"].Erf(),
        ["floor"] = c => c["x"].Floor(),
        ["ceil"] = c => c["x"].Ceil(),
        ["round"] = c => c["x"].Round(),
        ["sign"] = c => c["x"].Sign(),
        ["reciprocal"] = c => c["x"].Reciprocal(),
        ["square"] = c => c["x"].Square(),

        ["clamp"] = c => c["x"].Clamp(-0.5, 0.3),
        ["clamp_min"] = c => c["x"].ClampMin(0.2),
        ["clamp_max"] = c => c["x"].ClampMax(-0.1),
        ["clamp_tensor"] = c => c["x"].Clamp(c["lo"], c["hi"]),
        ["maximum"] = c => c["a"].Maximum(c["b"]),
        ["minimum"] = c => c["a"].Minimum(c["b"]),
        ["where"] = c => Tensor.Where(c["c"], c["a"], c["b"]),
        ["where_scalar"] = c => Tensor.Where(c["c"], c["a"], -1.0),
        ["lerp"] = c => c["a"].Lerp(c["b"], 0.3),

        ["eq_tensor"] = c => c["a"].Eq(c["b"]),
        ["eq_scalar"] = c => c["a"].Eq(1.0),
        ["ne_tensor"] = c => c["a"].Ne(c["b"]),
        ["ne_scalar"] = c => c["a"].Ne(1.0),
        ["lt_tensor"] = c => c["a"] < c["b"],
        ["lt_scalar"] = c => c["a"] < 1.0,
        ["le_tensor"] = c => c["a"] <= c["b"],
        ["le_scalar"] = c => c["a"] <= 1.0,
        ["gt_tensor"] = c => c["a"] > c["b"],
        ["gt_scalar"] = c => c["a"] > 1.0,
        ["ge_tensor"] = c => c["a"] >= c["b"],
        ["ge_scalar"] = c => c["a"] >= 1.0,
        ["logical_and"] = c => c["a"] & c["b"],
        ["logical_or"] = c => c["a"] | c["b"],
        ["logical_xor"] = c => c["a"] ^ c["b"],
        ["logical_not"] = c => !c["a"],
        ["isnan"] = c => c["x"].IsNan(),
        ["isinf"] = c => c["x"].IsInf(),
        ["isfinite"] = c => c["x"].IsFinite(),

        ["matmul_2d"] = c => c["a"].Matmul(c["b"]),
        ["matmul_batched_broadcast"] = c => c["a"].Matmul(c["b"]),
        ["matmul_vector_matrix"] = c => c["a"].Matmul(c["b"]),
        ["matmul_matrix_vector"] = c => c["a"].Matmul(c["b"]),
        ["mm"] = c => c["a"].Mm(c["b"]),
        ["bmm"] = c => c["a"].Bmm(c["b"]),
        ["einsum_batched_matmul"] = c => Tensor.Einsum("bij,bjk->bik", c["a"], c["b"]),
        ["einsum_attention_scores"] = c => Tensor.Einsum("bhqd,bhkd->bhqk", c["q"], c["k"]),
        ["einsum_trace_outer"] = c => Tensor.Einsum("ii,j->j", c["a"], c["v"]),

        ["to_int64"] = c => c["x"].To(DType.Int64),
        ["to_int32"] = c => c["x"].Int(),
        ["to_uint8"] = c => c["x"].To(DType.UInt8),
        ["to_bool"] = c => c["x"].Bool(),
        ["to_float64"] = c => c["x"].Double(),
        ["to_float16"] = c => c["x"].To(DType.Float16),
        ["int64_to_float32"] = c => c["x"].Float(),
        ["bool_to_float32"] = c => c["x"].Float(),
    };

    public static TheoryData<string> Names => Cases.Names();

    [Theory, MemberData(nameof(Names))]
    public void MatchesPyTorch(string name) => Cases.Check(name);
}
