using System.Buffers.Binary;
using System.Text;

namespace Osprey.Torch.Serialization;

/// <summary>Reads the primitive fields of a pickle stream; every length is checked against the bytes left.</summary>
internal sealed class PickleReader(ReadOnlyMemory<byte> data, string source)
{
    int position;

    public string Source { get; } = source;
    public int Position => position;
    public int Remaining => data.Length - position;

    public byte ReadByte()
    {
        Need(1, "an opcode or a 1-byte field");
        return data.Span[position++];
    }

    public ReadOnlySpan<byte> ReadSpan(long count, string what)
    {
        if (count < 0) throw Error($"{what}: negative length {count}");
        Need(count, what);
        var span = data.Span.Slice(position, (int)count);
        position += (int)count;
        return span;
    }

    public ushort ReadUInt16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(ReadSpan(2, what));
    public int ReadInt32(string what) => BinaryPrimitives.ReadInt32LittleEndian(ReadSpan(4, what));
    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(ReadSpan(4, what));
    public ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(ReadSpan(8, what));

    /// <summary>BINFLOAT stores a big-endian IEEE double.</summary>
    public double ReadBigEndianDouble() => BinaryPrimitives.ReadDoubleBigEndian(ReadSpan(8, "BINFLOAT"));

    /// <summary>A length field of 1, 4 or 8 bytes followed by that many bytes.</summary>
    public ReadOnlySpan<byte> ReadCounted(int lengthBytes, string what)
    {
        ulong length = lengthBytes switch
        {
            1 => ReadByte(),
            4 => ReadUInt32(what),
            _ => ReadUInt64(what),
        };
        if (length > (ulong)Remaining)
            throw Error($"{what} declares {length} bytes but only {Remaining} remain");
        return ReadSpan((long)length, what);
    }

    /// <summary>A newline-terminated ASCII line (GLOBAL's module and name), at most 256 bytes.</summary>
    public string ReadLine(string what)
    {
        var rest = data.Span[position..];
        int end = rest[..Math.Min(rest.Length, 257)].IndexOf((byte)'\n');
        if (end < 0) throw Error($"{what}: no newline within 256 bytes");
        var line = rest[..end];
        foreach (var b in line)
            if (b < 0x20 || b > 0x7e) throw Error($"{what}: non-printable byte 0x{b:x2}");
        position += end + 1;
        return Encoding.ASCII.GetString(line);
    }

    public static string Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // Python pickles lone surrogates with 'surrogatepass'; keep the text readable rather than fail.
            return Encoding.UTF8.GetString(bytes);
        }
    }

    void Need(long count, string what)
    {
        if (count > Remaining)
            throw Error($"truncated: {what} needs {count} bytes at offset {position}, only {Remaining} remain");
    }

    public TorchException Error(string message) => new($"{Source}: {message}");
}
