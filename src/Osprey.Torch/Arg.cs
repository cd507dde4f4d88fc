using Osprey.Torch.Native;

namespace Osprey.Torch;

/// <summary>
/// One argument of an operator call: tensor, tensor list, number, list, string, dtype or None.
/// Converted to the schema's type natively (ints widen to float or Scalar, one int fills int[2]).
/// </summary>
public readonly struct Arg
{
    internal readonly ValueTag Tag;
    internal readonly long I;
    internal readonly double D;
    internal readonly object? Obj;

    Arg(ValueTag tag, long i = 0, double d = 0, object? obj = null) { Tag = tag; I = i; D = d; Obj = obj; }

    public static readonly Arg None = new(ValueTag.None);
    /// <summary>Use the schema's default for this position (to pass a later argument).</summary>
    public static readonly Arg Default = new(ValueTag.Default);

    public static implicit operator Arg(Tensor? t) => t is null ? None : new(ValueTag.Tensor, obj: t);
    public static implicit operator Arg(long v) => new(ValueTag.Int, i: v);
    public static implicit operator Arg(int v) => new(ValueTag.Int, i: v);
    public static implicit operator Arg(double v) => new(ValueTag.Double, d: v);
    public static implicit operator Arg(bool v) => new(ValueTag.Bool, i: v ? 1 : 0);
    public static implicit operator Arg(string? v) => v is null ? None : new(ValueTag.String, obj: v);
    public static implicit operator Arg(long[]? v) => v is null ? None : new(ValueTag.IntList, obj: v);
    public static implicit operator Arg(double[]? v) => v is null ? None : new(ValueTag.DoubleList, obj: v);
    public static implicit operator Arg(bool[]? v) => v is null ? None : new(ValueTag.BoolList, obj: v);
    public static implicit operator Arg(Tensor[]? v) => v is null ? None : new(ValueTag.TensorList, obj: v);
    public static implicit operator Arg(DType v) => new(ValueTag.Int, i: (int)v);
    public static implicit operator Arg(DType? v) => v is null ? None : new(ValueTag.Int, i: (int)v.Value);
    public static implicit operator Arg(Device v) => new(ValueTag.String, obj: v.ToString());
    public static implicit operator Arg(Device? v) => v is null ? None : new(ValueTag.String, obj: v.Value.ToString());
    public static implicit operator Arg(TorchObject v) => new(ValueTag.Object, obj: v);
    public static implicit operator Arg(long? v) => v is null ? None : new(ValueTag.Int, i: v.Value);
    public static implicit operator Arg(double? v) => v is null ? None : new(ValueTag.Double, d: v.Value);

    /// <summary>A <c>Tensor?[]</c> list, as aten::index takes; null entries are None.</summary>
    public static Arg OptionalTensors(Tensor?[] tensors) => new(ValueTag.OptionalTensorList, obj: tensors);

    /// <summary>The argument as a value (what a tracer reads): null for None, "default" as <see cref="Default"/>
    /// itself, a Tensor, long, double, bool, string, long[], double[], bool[], Tensor[] or Tensor?[].</summary>
    public object? Value => Tag switch
    {
        ValueTag.None => null,
        ValueTag.Default => Default,
        ValueTag.Int => I,
        ValueTag.Double => D,
        ValueTag.Bool => I != 0,
        _ => Obj,
    };

    /// <summary>How the argument reads in an error message.</summary>
    public override string ToString() => Tag switch
    {
        ValueTag.None => "None",
        ValueTag.Default => "default",
        ValueTag.Tensor => ((Tensor)Obj!).Describe(),
        ValueTag.TensorList => "[" + string.Join(", ", ((Tensor[])Obj!).Select(t => t.Describe())) + "]",
        ValueTag.OptionalTensorList => "[" + string.Join(", ", ((Tensor?[])Obj!).Select(t => t?.Describe() ?? "None")) + "]",
        ValueTag.Int => I.ToString(),
        ValueTag.Bool => I != 0 ? "True" : "False",
        ValueTag.Double => D.ToString("R"),
        ValueTag.IntList => "[" + string.Join(", ", (long[])Obj!) + "]",
        ValueTag.DoubleList => "[" + string.Join(", ", (double[])Obj!) + "]",
        ValueTag.BoolList => "[" + string.Join(", ", (bool[])Obj!) + "]",
        ValueTag.String => $"'{Obj}'",
        ValueTag.Object => ((TorchObject)Obj!).ToString(),
        _ => Tag.ToString(),
    };
}
