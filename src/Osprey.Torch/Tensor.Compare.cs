namespace Osprey.Torch;

// Comparison and logic; results are bool tensors. C#'s == stays reference equality: use Eq.
public sealed partial class Tensor
{
    static readonly Op eq = new("aten::eq", "Tensor"), eqScalar = new("aten::eq", "Scalar");
    static readonly Op ne = new("aten::ne", "Tensor"), neScalar = new("aten::ne", "Scalar");
    static readonly Op lt = new("aten::lt", "Tensor"), ltScalar = new("aten::lt", "Scalar");
    static readonly Op le = new("aten::le", "Tensor"), leScalar = new("aten::le", "Scalar");
    static readonly Op gt = new("aten::gt", "Tensor"), gtScalar = new("aten::gt", "Scalar");
    static readonly Op ge = new("aten::ge", "Tensor"), geScalar = new("aten::ge", "Scalar");
    static readonly Op logicalAnd = new("aten::logical_and"), logicalOr = new("aten::logical_or");
    static readonly Op logicalXor = new("aten::logical_xor"), logicalNot = new("aten::logical_not");
    static readonly Op isnan = new("aten::isnan"), isfinite = new("aten::isfinite"), isinf = new("aten::isinf");
    static readonly Op allClose = new("aten::allclose"), equal = new("aten::equal");

    public Tensor Eq(Tensor other) => eq.Tensor(this, other);
    public Tensor Eq(double other) => eqScalar.Tensor(this, other);
    public Tensor Ne(Tensor other) => ne.Tensor(this, other);
    public Tensor Ne(double other) => neScalar.Tensor(this, other);
    public Tensor Lt(Tensor other) => lt.Tensor(this, other);
    public Tensor Lt(double other) => ltScalar.Tensor(this, other);
    public Tensor Le(Tensor other) => le.Tensor(this, other);
    public Tensor Le(double other) => leScalar.Tensor(this, other);
    public Tensor Gt(Tensor other) => gt.Tensor(this, other);
    public Tensor Gt(double other) => gtScalar.Tensor(this, other);
    public Tensor Ge(Tensor other) => ge.Tensor(this, other);
    public Tensor Ge(double other) => geScalar.Tensor(this, other);

    public Tensor LogicalAnd(Tensor other) => logicalAnd.Tensor(this, other);
    public Tensor LogicalOr(Tensor other) => logicalOr.Tensor(this, other);
    public Tensor LogicalXor(Tensor other) => logicalXor.Tensor(this, other);
    public Tensor LogicalNot() => logicalNot.Tensor(this);
    public Tensor IsNan() => isnan.Tensor(this);
    public Tensor IsInf() => isinf.Tensor(this);
    public Tensor IsFinite() => isfinite.Tensor(this);

    /// <summary>torch.allclose: |a - b| &lt;= atol + rtol * |b| everywhere.</summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8) => allClose.Number(this, other, rtol, atol) != 0;

    /// <summary>Same shape and the same elements.</summary>
    public bool Equal(Tensor other) => equal.Number(this, other) != 0;

    public static Tensor operator <(Tensor a, Tensor b) => a.Lt(b);
    public static Tensor operator >(Tensor a, Tensor b) => a.Gt(b);
    public static Tensor operator <=(Tensor a, Tensor b) => a.Le(b);
    public static Tensor operator >=(Tensor a, Tensor b) => a.Ge(b);
    public static Tensor operator <(Tensor a, double b) => a.Lt(b);
    public static Tensor operator >(Tensor a, double b) => a.Gt(b);
    public static Tensor operator <=(Tensor a, double b) => a.Le(b);
    public static Tensor operator >=(Tensor a, double b) => a.Ge(b);
    public static Tensor operator &(Tensor a, Tensor b) => a.LogicalAnd(b);
    public static Tensor operator |(Tensor a, Tensor b) => a.LogicalOr(b);
    public static Tensor operator ^(Tensor a, Tensor b) => a.LogicalXor(b);
    public static Tensor operator !(Tensor a) => a.LogicalNot();
}
