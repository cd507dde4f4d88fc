using System.Buffers.Binary;
using System.IO.Compression;

namespace HostileFiles;

/// <summary>
/// Seeded mutations of valid files: byte flips, "interesting" integers written over fields, truncation, duplicated
/// or deleted runs, inserted random bytes. Half of the cases then repair the format's checksums (zip CRCs by
/// re-zipping the mutated members, PNG chunk CRCs), so the mutation reaches the parser behind them.
/// </summary>
static class Mutator
{
    static readonly long[] Interesting = [0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, long.MaxValue, long.MinValue];

    public static byte[] Mutate(byte[] seed, Random random, bool repairChecksums, bool isZip, bool isPng)
    {
        if (isZip && repairChecksums) return MutateZipMembers(seed, random);
        var data = MutateBytes(seed, random);
        if (isPng && repairChecksums) FixPngCrcs(data);
        return data;
    }

    public static byte[] MutateBytes(byte[] seed, Random random)
    {
        var data = new List<byte>(seed);
        int rounds = 1 + random.Next(4);
        for (int r = 0; r < rounds && data.Count > 0; r++)
        {
            int at = random.Next(data.Count);
            switch (random.Next(7))
            {
                case 0: data[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: data[at] = (byte)random.Next(256); break;
                case 2:
                {
                    long value = Interesting[random.Next(Interesting.Length)];
                    int width = new[] { 1, 2, 4, 8 }[random.Next(4)];
                    for (int k = 0; k < width && at + k < data.Count; k++)
                        data[at + k] = (byte)(random.Next(2) == 0 ? value >> (8 * k) : value >> (8 * (width - 1 - k)));
                    break;
                }
                case 3: data.RemoveRange(at, data.Count - at); break;  // truncate
                case 4:
                {
                    int length = Math.Min(1 + random.Next(64), data.Count - at);
                    data.InsertRange(at, data.GetRange(at, length));  // duplicate a run
                    break;
                }
                case 5: data.RemoveRange(at, Math.Min(1 + random.Next(64), data.Count - at)); break;
                default:
                {
                    var noise = new byte[1 + random.Next(16)];
                    random.NextBytes(noise);
                    data.InsertRange(at, noise);
                    break;
                }
            }
        }
        return data.ToArray();
    }

    /// <summary>Mutates one member of a valid zip (data.pkl most often) and writes a fresh, CRC-correct archive.</summary>
    static byte[] MutateZipMembers(byte[] seed, Random random)
    {
        var members = new List<(string Name, byte[] Data)>();
        using (var zip = new ZipArchive(new MemoryStream(seed), ZipArchiveMode.Read))
            foreach (var entry in zip.Entries)
            {
                using var s = entry.Open();
                using var m = new MemoryStream();
                s.CopyTo(m);
                members.Add((entry.FullName, m.ToArray()));
            }
        int pkl = members.FindIndex(m => m.Name.EndsWith("data.pkl"));
        int target = pkl >= 0 && random.Next(4) != 0 ? pkl : random.Next(members.Count);
        members[target] = (members[target].Name, MutateBytes(members[target].Data, random));
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in members)
            {
                var entry = zip.CreateEntry(name, random.Next(8) == 0 ? CompressionLevel.Fastest : CompressionLevel.NoCompression);
                using var s = entry.Open();
                s.Write(data);
            }
        return output.ToArray();
    }

    static void FixPngCrcs(byte[] data)
    {
        for (int at = 8; at + 12 <= data.Length;)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at));
            if (at + 12 + length > data.Length) return;
            uint crc = Crc(data.AsSpan(at + 4, 4 + (int)length));
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(at + 8 + (int)length), crc);
            at += 12 + (int)length;
        }
    }

    static uint Crc(ReadOnlySpan<byte> bytes)
    {
        uint c = 0xFFFFFFFF;
        foreach (var b in bytes)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }
}
