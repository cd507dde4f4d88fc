using System.Buffers.Binary;

namespace Osprey.Torch.Serialization;

/// <summary>
/// numpy scalars (np.float64(0.5) in a training checkpoint's metrics) decoded to C# numbers. Only the
/// dtype string and the raw bytes are read; numpy itself is never involved.
/// </summary>
internal static class NumpyValues
{
    /// <summary>numpy.dtype('f8', align, copy): the type code; BUILD later supplies the byte order.</summary>
    public static object? DType(object?[] args)
    {
        if (args is not [string code, ..] || args.Length > 3) throw new InvalidDataException("expected (type code, align, copy)");
        return new NumpyDType(code);
    }

    /// <summary>numpy.core.multiarray.scalar(dtype, bytes) as a long, double or bool.</summary>
    public static object? Scalar(object?[] args)
    {
        if (args is not [NumpyDType dtype, byte[] raw] || dtype.Code.Length < 2) throw new InvalidDataException("expected (numpy dtype, bytes)");
        var (kind, size) = (dtype.Code[0], int.TryParse(dtype.Code[1..], out var n) ? n : -1);
        if (raw.Length != size) throw new InvalidDataException($"dtype {dtype.Code} needs {size} bytes, got {raw.Length}");
        var bytes = raw.AsSpan();
        bool little = dtype.LittleEndian;
        return (kind, size) switch
        {
            ('f', 8) => little ? BinaryPrimitives.ReadDoubleLittleEndian(bytes) : BinaryPrimitives.ReadDoubleBigEndian(bytes),
            ('f', 4) => (double)(little ? BinaryPrimitives.ReadSingleLittleEndian(bytes) : BinaryPrimitives.ReadSingleBigEndian(bytes)),
            ('f', 2) => (double)(little ? BinaryPrimitives.ReadHalfLittleEndian(bytes) : BinaryPrimitives.ReadHalfBigEndian(bytes)),
            ('i', 8) => little ? BinaryPrimitives.ReadInt64LittleEndian(bytes) : BinaryPrimitives.ReadInt64BigEndian(bytes),
            ('i', 4) => (long)(little ? BinaryPrimitives.ReadInt32LittleEndian(bytes) : BinaryPrimitives.ReadInt32BigEndian(bytes)),
            ('i', 2) => (long)(little ? BinaryPrimitives.ReadInt16LittleEndian(bytes) : BinaryPrimitives.ReadInt16BigEndian(bytes)),
            ('i', 1) => (long)(sbyte)bytes[0],
            ('u', 4) => (long)(little ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes)),
            ('u', 2) => (long)(little ? BinaryPrimitives.ReadUInt16LittleEndian(bytes) : BinaryPrimitives.ReadUInt16BigEndian(bytes)),
            ('u', 1) => (long)bytes[0],
            ('b', 1) => bytes[0] != 0,
            _ => throw new InvalidDataException($"numpy dtype '{dtype.Code}' is not a supported scalar type"),
        };
    }
}

/// <summary>A numpy dtype as pickled: a type code ('f8', 'i4', 'b1', ...) and a byte order.</summary>
public sealed class NumpyDType(string code) : IPickleBuildable
{
    public string Code { get; } = code;
    public bool LittleEndian { get; private set; } = true;

    /// <summary>numpy's dtype state is (version, byte order, ...); only the byte order matters for scalars.</summary>
    void IPickleBuildable.Build(object? state)
    {
        if (state is not object?[] { Length: >= 2 } tuple || tuple[1] is not string order)
            throw new InvalidDataException("numpy dtype state must be a tuple (version, byte order, ...)");
        LittleEndian = order switch
        {
            "<" or "|" or "=" => true,
            ">" => false,
            _ => throw new InvalidDataException($"unknown numpy byte order '{order}'"),
        };
    }

    public override string ToString() => $"numpy.dtype('{Code}')";
}

/// <summary>A value the loader built itself that knows how to take a pickled BUILD state.</summary>
internal interface IPickleBuildable
{
    void Build(object? state);
}
