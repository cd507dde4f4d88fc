namespace Osprey.Torch;

// Element-wise arithmetic and math with broadcasting, the C# operators, and matrix products.
public sealed partial class Tensor
{
    static readonly Op add = new("aten::add", "Tensor"), addScalar = new("aten::add", "Scalar");
    static readonly Op sub = new("aten::sub", "Tensor"), subScalar = new("aten::sub", "Scalar");
    static readonly Op mul = new("aten::mul", "Tensor"), mulScalar = new("aten::mul", "Scalar");
    static readonly Op div = new("aten::div", "Tensor"), divScalar = new("aten::div", "Scalar");
    static readonly Op divMode = new("aten::div", "Tensor_mode");
    static readonly Op rsubScalar = new("aten::rsub", "Scalar"), remainder = new("aten::remainder", "Tensor");
    static readonly Op remainderScalar = new("aten::remainder", "Scalar");
    static readonly Op powScalar = new("aten::pow", "Tensor_Scalar"), powTensor = new("aten::pow", "Tensor_Tensor");
    static readonly Op neg = new("aten::neg"), abs = new("aten::abs"), exp = new("aten::exp"), log = new("aten::log");
    static readonly Op sqrt = new("aten::sqrt"), rsqrt = new("aten::rsqrt"), sigmoid = new("aten::sigmoid");
    static readonly Op tanh = new("aten::tanh"), sin = new("aten::sin"), cos = new("aten::cos"), atan = new("aten::atan");
    static readonly Op floor = new("aten::floor"), ceil = new("aten::ceil"), round = new("aten::round");
    static readonly Op sign = new("aten::sign"), reciprocal = new("aten::reciprocal"), square = new("aten::square");
    static readonly Op log2 = new("aten::log2"), log1p = new("aten::log1p"), erf = new("aten::erf");
    static readonly Op clamp = new("aten::clamp"), clampTensor = new("aten::clamp", "Tensor");
    static readonly Op maximum = new("aten::maximum"), minimum = new("aten::minimum");
    static readonly Op whereSelf = new("aten::where", "self"), whereScalarOther = new("aten::where", "ScalarOther");
    static readonly Op lerp = new("aten::lerp", "Scalar");
    static readonly Op matmul = new("aten::matmul"), mm = new("aten::mm"), bmm = new("aten::bmm"), einsum = new("aten::einsum");
    static readonly Op addInPlace = new("aten::add_", "Tensor"), addScalarInPlace = new("aten::add_", "Scalar");
    static readonly Op subInPlace = new("aten::sub_", "Tensor"), mulInPlace = new("aten::mul_", "Tensor");
    static readonly Op mulScalarInPlace = new("aten::mul_", "Scalar"), divInPlace = new("aten::div_", "Tensor");
    static readonly Op divScalarInPlace = new("aten::div_", "Scalar"), addcmulInPlace = new("aten::addcmul_");
    static readonly Op addcdivInPlace = new("aten::addcdiv_"), lerpInPlace = new("aten::lerp_", "Scalar");
    static readonly Op clampInPlace = new("aten::clamp_");

    public Tensor Add(Tensor other, double alpha = 1) => add.Tensor(this, other, alpha);
    public Tensor Add(double other) => addScalar.Tensor(this, other);
    public Tensor Sub(Tensor other, double alpha = 1) => sub.Tensor(this, other, alpha);
    public Tensor Sub(double other) => subScalar.Tensor(this, other);
    public Tensor Mul(Tensor other) => mul.Tensor(this, other);
    public Tensor Mul(double other) => mulScalar.Tensor(this, other);
    public Tensor Div(Tensor other) => div.Tensor(this, other);
    public Tensor Div(double other) => divScalar.Tensor(this, other);
    /// <summary>Division with rounding "trunc" or "floor" (torch.div(..., rounding_mode=)).</summary>
    public Tensor Div(Tensor other, string roundingMode) => divMode.Tensor(this, other, roundingMode);
    public Tensor Remainder(Tensor other) => remainder.Tensor(this, other);
    public Tensor Remainder(double other) => remainderScalar.Tensor(this, other);
    public Tensor Pow(double exponent) => powScalar.Tensor(this, exponent);
    public Tensor Pow(Tensor exponent) => powTensor.Tensor(this, exponent);

    public Tensor Neg() => neg.Tensor(this);
    public Tensor Abs() => abs.Tensor(this);
    public Tensor Exp() => exp.Tensor(this);
    public Tensor Log() => log.Tensor(this);
    public Tensor Log2() => log2.Tensor(this);
    public Tensor Log1p() => log1p.Tensor(this);
    public Tensor Sqrt() => sqrt.Tensor(this);
    public Tensor Rsqrt() => rsqrt.Tensor(this);
    public Tensor Sigmoid() => sigmoid.Tensor(this);
    public Tensor Tanh() => tanh.Tensor(this);
    public Tensor Sin() => sin.Tensor(this);
    public Tensor Cos() => cos.Tensor(this);
    public Tensor Atan() => atan.Tensor(this);
    public Tensor Erf() => erf.Tensor(this);
    public Tensor Floor() => floor.Tensor(this);
    public Tensor Ceil() => ceil.Tensor(this);
    public Tensor Round() => round.Tensor(this);
    public Tensor Sign() => sign.Tensor(this);
    public Tensor Reciprocal() => reciprocal.Tensor(this);
    public Tensor Square() => square.Tensor(this);

    public Tensor Clamp(double? min = null, double? max = null) => clamp.Tensor(this, min, max);
    public Tensor Clamp(Tensor? min, Tensor? max) => clampTensor.Tensor(this, min, max);
    public Tensor ClampMin(double min) => clamp.Tensor(this, min, Arg.None);
    public Tensor ClampMax(double max) => clamp.Tensor(this, Arg.None, max);
    public Tensor Maximum(Tensor other) => maximum.Tensor(this, other);
    public Tensor Minimum(Tensor other) => minimum.Tensor(this, other);
    public Tensor Lerp(Tensor end, double weight) => lerp.Tensor(this, end, weight);

    /// <summary>Elements of <paramref name="ifTrue"/> where condition holds, else of <paramref name="ifFalse"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor ifTrue, Tensor ifFalse) => whereSelf.Tensor(condition, ifTrue, ifFalse);
    public static Tensor Where(Tensor condition, Tensor ifTrue, double ifFalse) => whereScalarOther.Tensor(condition, ifTrue, ifFalse);

    public Tensor Matmul(Tensor other) => matmul.Tensor(this, other);
    public Tensor Mm(Tensor other) => mm.Tensor(this, other);
    public Tensor Bmm(Tensor other) => bmm.Tensor(this, other);
    public static Tensor Einsum(string equation, params Tensor[] operands) => einsum.Tensor(equation, operands);

    // In place: these change this tensor and return it.
    public Tensor AddInPlace(Tensor other, double alpha = 1) => addInPlace.InPlace(this, other, alpha);
    public Tensor AddInPlace(double other) => addScalarInPlace.InPlace(this, other);
    public Tensor SubInPlace(Tensor other, double alpha = 1) => subInPlace.InPlace(this, other, alpha);
    public Tensor MulInPlace(Tensor other) => mulInPlace.InPlace(this, other);
    public Tensor MulInPlace(double other) => mulScalarInPlace.InPlace(this, other);
    public Tensor DivInPlace(Tensor other) => divInPlace.InPlace(this, other);
    public Tensor DivInPlace(double other) => divScalarInPlace.InPlace(this, other);
    /// <summary>this += value * t1 * t2</summary>
    public Tensor AddcmulInPlace(Tensor t1, Tensor t2, double value = 1) => addcmulInPlace.InPlace(this, t1, t2, value);
    /// <summary>this += value * t1 / t2</summary>
    public Tensor AddcdivInPlace(Tensor t1, Tensor t2, double value = 1) => addcdivInPlace.InPlace(this, t1, t2, value);
    public Tensor LerpInPlace(Tensor end, double weight) => lerpInPlace.InPlace(this, end, weight);
    public Tensor ClampInPlace(double? min = null, double? max = null) => clampInPlace.InPlace(this, min, max);

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator +(Tensor a, double b) => a.Add(b);
    public static Tensor operator +(double a, Tensor b) => b.Add(a);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator -(Tensor a, double b) => a.Sub(b);
    public static Tensor operator -(double a, Tensor b) => rsubScalar.Tensor(b, a);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator *(Tensor a, double b) => a.Mul(b);
    public static Tensor operator *(double a, Tensor b) => b.Mul(a);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator /(Tensor a, double b) => a.Div(b);
    public static Tensor operator /(double a, Tensor b) => b.Reciprocal().Mul(a);
    public static Tensor operator %(Tensor a, Tensor b) => a.Remainder(b);
    public static Tensor operator %(Tensor a, double b) => a.Remainder(b);
    public static Tensor operator -(Tensor a) => a.Neg();
}
