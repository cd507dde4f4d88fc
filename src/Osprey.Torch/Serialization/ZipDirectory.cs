using System.Buffers.Binary;
using System.Text;

namespace Osprey.Torch.Serialization;

/// <summary>One member of a zip archive, as its central directory and local header declare it.</summary>
internal sealed record ZipEntry(string Name, int Method, uint Crc, long CompressedSize, long Size, long HeaderOffset, long DataOffset);

/// <summary>
/// The central directory of a zip archive (with zip64), checked so that no member can cost more than it declares:
/// members must not overlap one another or the directory (an overlap bomb shares one compressed stream among many
/// members), names must be unique, only stored and deflated members are read, and encrypted members are refused.
/// Member data is read through <see cref="ZipEntryStream"/>, which checks each member's CRC-32.
/// </summary>
internal sealed class ZipDirectory
{
    const uint EndSignature = 0x06054b50, Zip64EndSignature = 0x06064b50, Zip64LocatorSignature = 0x07064b50;
    const uint CentralSignature = 0x02014b50, LocalSignature = 0x04034b50;
    const int MaxEntries = 1 << 20;

    readonly Dictionary<string, ZipEntry> entries = new(StringComparer.Ordinal);

    public IReadOnlyCollection<ZipEntry> Entries => entries.Values;

    public ZipEntry? Get(string name) => entries.GetValueOrDefault(name);

    public static ZipDirectory Read(Stream file)
    {
        long length = file.Length;
        var (count, directoryOffset, directorySize, endOffset) = FindEnd(file, length);
        if (count > MaxEntries) throw new InvalidDataException($"the zip directory lists {count} members (limit {MaxEntries})");
        if (directoryOffset < 0 || directorySize < 0 || directoryOffset > endOffset - directorySize)
            throw new InvalidDataException($"the zip central directory (offset {directoryOffset}, {directorySize} bytes) lies outside the file");
        if (directorySize > Array.MaxLength) throw new InvalidDataException($"the zip central directory is {directorySize} bytes (over 2 GB)");
        var directory = ReadAt(file, directoryOffset, (int)directorySize);
        var zip = new ZipDirectory();
        int at = 0;
        for (long k = 0; k < count; k++)
        {
            var entry = ParseCentral(directory, ref at, k);
            if (!zip.entries.TryAdd(entry.Name, entry)) throw new InvalidDataException($"the zip archive has two members named '{entry.Name}'");
        }
        zip.Locate(file, directoryOffset);
        return zip;
    }

    static (long Count, long Offset, long Size, long EndOffset) FindEnd(Stream file, long length)
    {
        int tail = (int)Math.Min(length, 22 + 65535 + 20);
        var buffer = ReadAt(file, length - tail, tail);
        for (int i = tail - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i)) != EndSignature) continue;
            var end = buffer.AsSpan(i);
            long endOffset = length - tail + i;
            long count = BinaryPrimitives.ReadUInt16LittleEndian(end[10..]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(end[12..]);
            long offset = BinaryPrimitives.ReadUInt32LittleEndian(end[16..]);
            if (BinaryPrimitives.ReadUInt16LittleEndian(end[4..]) != 0 || BinaryPrimitives.ReadUInt16LittleEndian(end[6..]) != 0)
                throw new InvalidDataException("multi-disk zip archives are not supported");
            if (i >= 20 && BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i - 20)) == Zip64LocatorSignature)
            {
                long zip64Offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(i - 20 + 8));
                if (zip64Offset < 0 || zip64Offset > endOffset - 56) throw new InvalidDataException("the zip64 end record lies outside the file");
                var z = ReadAt(file, zip64Offset, 56);
                if (BinaryPrimitives.ReadUInt32LittleEndian(z) != Zip64EndSignature) throw new InvalidDataException("bad zip64 end record signature");
                count = Checked(BinaryPrimitives.ReadUInt64LittleEndian(z.AsSpan(32)), "zip64 member count");
                size = Checked(BinaryPrimitives.ReadUInt64LittleEndian(z.AsSpan(40)), "zip64 directory size");
                offset = Checked(BinaryPrimitives.ReadUInt64LittleEndian(z.AsSpan(48)), "zip64 directory offset");
                endOffset = zip64Offset;
            }
            return (count, offset, size, endOffset);
        }
        throw new InvalidDataException("no zip end-of-central-directory record (not a zip archive, or a truncated one)");
    }

    static ZipEntry ParseCentral(byte[] d, ref int at, long index)
    {
        if (at + 46 > d.Length || BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(at)) != CentralSignature)
            throw new InvalidDataException($"zip directory record {index} is damaged (bad signature or cut short)");
        var h = d.AsSpan(at);
        int flags = BinaryPrimitives.ReadUInt16LittleEndian(h[8..]);
        int method = BinaryPrimitives.ReadUInt16LittleEndian(h[10..]);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(h[16..]);
        long compressed = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
        long size = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]), extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h[30..]);
        int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
        if (at + 46 + nameLength + extraLength + commentLength > d.Length)
            throw new InvalidDataException($"zip directory record {index} runs past the directory");
        var name = Encoding.UTF8.GetString(h.Slice(46, nameLength));
        var extra = h.Slice(46 + nameLength, extraLength);
        // The zip64 extra field holds, in this order, whichever of the three 32-bit fields are 0xFFFFFFFF.
        for (int e = 0; e + 4 <= extra.Length;)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(extra[e..]), len = BinaryPrimitives.ReadUInt16LittleEndian(extra[(e + 2)..]);
            if (e + 4 + len > extra.Length) throw new InvalidDataException($"zip member '{name}': extra field runs past its record");
            if (id == 1)
            {
                var z = extra.Slice(e + 4, len);
                int p = 0;
                if (size == 0xFFFFFFFF) size = Zip64Field(z, ref p, name, "size");
                if (compressed == 0xFFFFFFFF) compressed = Zip64Field(z, ref p, name, "compressed size");
                if (offset == 0xFFFFFFFF) offset = Zip64Field(z, ref p, name, "offset");
            }
            e += 4 + len;
        }
        at += 46 + nameLength + extraLength + commentLength;
        if ((flags & 0x41) != 0 || method == 99)
            throw new InvalidDataException($"zip member '{name}' is encrypted; encrypted archives are not supported");
        if (method is not (0 or 8))
            throw new InvalidDataException($"zip member '{name}' uses compression method {method}; only stored (0) and deflate (8) are read");
        if (method == 0 && compressed != size)
            throw new InvalidDataException($"zip member '{name}' is stored, but declares {compressed} bytes stored for {size} bytes of content");
        return new ZipEntry(name, method, crc, compressed, size, offset, DataOffset: -1);
    }

    /// <summary>Reads each local header to find where data starts, and refuses members that overlap.</summary>
    void Locate(Stream file, long directoryOffset)
    {
        long previousEnd = 0;
        string? previous = null;
        foreach (var entry in entries.Values.OrderBy(e => e.HeaderOffset).ToList())
        {
            if (entry.HeaderOffset < previousEnd)
                throw new InvalidDataException($"zip members '{previous}' and '{entry.Name}' overlap (refused: overlapping members can make a small file inflate without bound)");
            if (entry.HeaderOffset > directoryOffset - 30)
                throw new InvalidDataException($"zip member '{entry.Name}' starts at {entry.HeaderOffset}, past the start of the directory");
            var local = ReadAt(file, entry.HeaderOffset, 30);
            if (BinaryPrimitives.ReadUInt32LittleEndian(local) != LocalSignature)
                throw new InvalidDataException($"zip member '{entry.Name}': no local header at offset {entry.HeaderOffset}");
            if ((BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(6)) & 0x41) != 0)
                throw new InvalidDataException($"zip member '{entry.Name}' is encrypted; encrypted archives are not supported");
            long dataOffset = entry.HeaderOffset + 30 + BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(26)) + BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(28));
            long end = dataOffset + entry.CompressedSize;
            if (end > directoryOffset || end < dataOffset)
                throw new InvalidDataException($"zip member '{entry.Name}' ({entry.CompressedSize} bytes at {dataOffset}) runs past the end of the data");
            entries[entry.Name] = entry with { DataOffset = dataOffset };
            previousEnd = end;
            previous = entry.Name;
        }
    }

    static long Zip64Field(ReadOnlySpan<byte> field, ref int at, string name, string what)
    {
        if (at + 8 > field.Length) throw new InvalidDataException($"zip member '{name}': zip64 field lacks its {what}");
        at += 8;
        return Checked(BinaryPrimitives.ReadUInt64LittleEndian(field[(at - 8)..]), what);
    }

    static long Checked(ulong value, string what) =>
        value <= long.MaxValue ? (long)value : throw new InvalidDataException($"zip64 {what} {value} is out of range");

    static byte[] ReadAt(Stream file, long offset, int count)
    {
        if (offset < 0 || offset > file.Length - count) throw new InvalidDataException($"zip structure at {offset} lies outside the file");
        var bytes = new byte[count];
        file.Position = offset;
        file.ReadExactly(bytes);
        return bytes;
    }
}
