namespace Osprey.Torch;

// Factories: torch.zeros, torch.arange, torch.randn, ... Defaults as in PyTorch (float32 on the CPU,
// arange's dtype from its arguments).
public sealed partial class Tensor
{
    static readonly Op zeros = new("aten::zeros"), ones = new("aten::ones"), full = new("aten::full");
    static readonly Op empty = new("aten::empty", "memory_format"), eye = new("aten::eye", "m");
    static readonly Op arangeStartStep = new("aten::arange", "start_step"), linspace = new("aten::linspace");
    static readonly Op rand = new("aten::rand"), randn = new("aten::randn"), randint = new("aten::randint", "low");
    static readonly Op zerosLike = new("aten::zeros_like"), onesLike = new("aten::ones_like"), fullLike = new("aten::full_like");
    static readonly Op randLike = new("aten::rand_like"), randnLike = new("aten::randn_like"), emptyLike = new("aten::empty_like");

    public static Tensor Zeros(long[] shape, DType dtype = DType.Float32, Device? device = null) =>
        zeros.Tensor(shape, dtype, Arg.None, device);

    public static Tensor Ones(long[] shape, DType dtype = DType.Float32, Device? device = null) =>
        ones.Tensor(shape, dtype, Arg.None, device);

    public static Tensor Full(long[] shape, double value, DType dtype = DType.Float32, Device? device = null) =>
        full.Tensor(shape, value, dtype, Arg.None, device);

    public static Tensor Empty(long[] shape, DType dtype = DType.Float32, Device? device = null) =>
        empty.Tensor(shape, dtype, Arg.None, device);

    public static Tensor Eye(long n, long? m = null, DType dtype = DType.Float32, Device? device = null) =>
        eye.Tensor(n, m ?? n, dtype, Arg.None, device);

    /// <summary>Integers start, start+step, ... below end (int64), as torch.arange with integer arguments.</summary>
    public static Tensor Arange(long end) => Arange(0, end);

    public static Tensor Arange(long start, long end, long step = 1, DType dtype = DType.Int64, Device? device = null) =>
        arangeStartStep.Tensor(start, end, step, dtype, Arg.None, device);

    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32, Device? device = null) =>
        arangeStartStep.Tensor(start, end, step, dtype, Arg.None, device);

    public static Tensor Linspace(double start, double end, long steps, DType dtype = DType.Float32, Device? device = null) =>
        linspace.Tensor(start, end, steps, dtype, Arg.None, device);

    /// <summary>Uniform on [0, 1) from the default generator.</summary>
    public static Tensor Rand(long[] shape, DType dtype = DType.Float32, Device? device = null) =>
        rand.Tensor(shape, dtype, Arg.None, device);

    /// <summary>Standard normal from the default generator.</summary>
    public static Tensor Randn(long[] shape, DType dtype = DType.Float32, Device? device = null) =>
        randn.Tensor(shape, dtype, Arg.None, device);

    /// <summary>Integers uniform on [low, high).</summary>
    public static Tensor Randint(long low, long high, long[] shape, DType dtype = DType.Int64, Device? device = null) =>
        randint.Tensor(low, high, shape, dtype, Arg.None, device);

    public Tensor ZerosLike() => zerosLike.Tensor(this);
    public Tensor OnesLike() => onesLike.Tensor(this);
    public Tensor FullLike(double value) => fullLike.Tensor(this, value);
    public Tensor EmptyLike() => emptyLike.Tensor(this);
    public Tensor RandLike() => randLike.Tensor(this);
    public Tensor RandnLike() => randnLike.Tensor(this);
}
