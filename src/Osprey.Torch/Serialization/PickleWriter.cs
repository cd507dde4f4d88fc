using System.Buffers.Binary;
using System.Text;
using O = Osprey.Torch.Serialization.PickleOpcodes;

namespace Osprey.Torch.Serialization;

/// <summary>Emits protocol-2 pickle opcodes; the caller composes them into the structure it needs.</summary>
internal sealed class PickleWriter
{
    readonly MemoryStream output = new();

    public PickleWriter() => output.Write([O.Proto, 2]);

    public byte[] Finish()
    {
        output.WriteByte(O.Stop);
        return output.ToArray();
    }

    public void Op(byte opcode) => output.WriteByte(opcode);

    /// <summary>GLOBAL: "module\nname\n".</summary>
    public void Global(string module, string name)
    {
        output.WriteByte(O.Global);
        output.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
    }

    public void String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        output.WriteByte(O.BinUnicode);
        output.Write(length);
        output.Write(bytes);
    }

    /// <summary>The shortest integer opcode: BININT1 / BININT2 / BININT, or LONG1 beyond 32 bits.</summary>
    public void Int(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        switch (value)
        {
            case >= 0 and <= byte.MaxValue:
                output.WriteByte(O.BinInt1);
                output.WriteByte((byte)value);
                break;
            case >= 0 and <= ushort.MaxValue:
                output.WriteByte(O.BinInt2);
                BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value);
                output.Write(bytes[..2]);
                break;
            case >= int.MinValue and <= int.MaxValue:
                output.WriteByte(O.BinInt);
                BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)value);
                output.Write(bytes[..4]);
                break;
            default:
                output.WriteByte(O.Long1);
                output.WriteByte(8);
                BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
                output.Write(bytes);
                break;
        }
    }

    public void Bool(bool value) => output.WriteByte(value ? O.NewTrue : O.NewFalse);

    /// <summary>A tuple of ints (sizes and strides).</summary>
    public void IntTuple(IReadOnlyList<long> values)
    {
        if (values.Count == 0)
        {
            output.WriteByte(O.EmptyTuple);
            return;
        }
        output.WriteByte(O.Mark);
        foreach (var v in values) Int(v);
        output.WriteByte(O.Tuple);
    }
}
