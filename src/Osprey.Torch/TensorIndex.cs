namespace Osprey.Torch;

/// <summary>
/// One entry of an index expression, as in Python's x[...]: an integer, a slice (C# range or
/// <see cref="Slice"/>), <see cref="Ellipsis"/>, <see cref="NewAxis"/> (None), or an index/mask tensor.
/// </summary>
public readonly struct TensorIndex
{
    internal enum Kind { Int, Slice, Ellipsis, NewAxis, Tensor }

    internal readonly Kind Type;
    internal readonly long Value;
    internal readonly long? Start, Stop;
    internal readonly long Step;
    internal readonly Tensor? Index;

    TensorIndex(Kind type, long value = 0, long? start = null, long? stop = null, long step = 1, Tensor? index = null)
    {
        Type = type; Value = value; Start = start; Stop = stop; Step = step; Index = index;
    }

    public static readonly TensorIndex Ellipsis = new(Kind.Ellipsis);
    public static readonly TensorIndex NewAxis = new(Kind.NewAxis);
    public static readonly TensorIndex All = new(Kind.Slice);

    /// <summary>Python's start:stop:step; null bounds mean the ends.</summary>
    public static TensorIndex Slice(long? start = null, long? stop = null, long step = 1)
    {
        if (step <= 0) throw new TorchException($"slice step must be positive, got {step}");
        return new(Kind.Slice, start: start, stop: stop, step: step);
    }

    public static implicit operator TensorIndex(long i) => new(Kind.Int, value: i);
    public static implicit operator TensorIndex(int i) => new(Kind.Int, value: i);
    public static implicit operator TensorIndex(Tensor t) => new(Kind.Tensor, index: t);
    /// <summary>A C# index: ^1 is Python's -1.</summary>
    public static implicit operator TensorIndex(Index i) => new(Kind.Int, value: i.IsFromEnd ? -i.Value : i.Value);

    /// <summary>A C# range: 1..3, ..^1, ^2.. map to Python's 1:3, :-1, -2:.</summary>
    public static implicit operator TensorIndex(Range r)
    {
        long? start = r.Start.IsFromEnd ? -r.Start.Value : r.Start.Value;
        long? stop = r.End.IsFromEnd ? (r.End.Value == 0 ? null : -r.End.Value) : r.End.Value;
        if (start == 0) start = null;
        return Slice(start, stop);
    }

    internal bool ConsumesDim => Type is Kind.Int or Kind.Slice or Kind.Tensor;
}
