namespace Osprey.Torch.NN;

public static partial class Functional
{
    static readonly Op relu = new("aten::relu"), relu6 = new("aten::hardtanh"), leakyRelu = new("aten::leaky_relu");
    static readonly Op gelu = new("aten::gelu"), silu = new("aten::silu"), hardswish = new("aten::hardswish");
    static readonly Op hardsigmoid = new("aten::hardsigmoid"), mish = new("aten::mish"), softplus = new("aten::softplus");
    static readonly Op reluInPlace = new("aten::relu_"), siluInPlace = new("aten::silu_");

    public static Tensor Relu(Tensor x) => relu.Tensor(x);
    public static Tensor ReluInPlace(Tensor x) => reluInPlace.InPlace(x);
    public static Tensor Relu6(Tensor x) => relu6.Tensor(x, 0.0, 6.0);
    public static Tensor LeakyRelu(Tensor x, double negativeSlope = 0.01) => leakyRelu.Tensor(x, negativeSlope);
    /// <summary>GELU, exact ("none") or the tanh approximation ("tanh").</summary>
    public static Tensor Gelu(Tensor x, string approximate = "none") => gelu.Tensor(x, approximate);
    public static Tensor Silu(Tensor x) => silu.Tensor(x);
    public static Tensor SiluInPlace(Tensor x) => siluInPlace.InPlace(x);
    public static Tensor Hardswish(Tensor x) => hardswish.Tensor(x);
    public static Tensor Hardsigmoid(Tensor x) => hardsigmoid.Tensor(x);
    public static Tensor Mish(Tensor x) => mish.Tensor(x);
    public static Tensor Softplus(Tensor x, double beta = 1, double threshold = 20) => softplus.Tensor(x, beta, threshold);
    public static Tensor Sigmoid(Tensor x) => x.Sigmoid();
    public static Tensor Tanh(Tensor x) => x.Tanh();
    public static Tensor Softmax(Tensor x, long dim) => x.Softmax(dim);
    public static Tensor LogSoftmax(Tensor x, long dim) => x.LogSoftmax(dim);
}
