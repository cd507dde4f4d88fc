using System.Security.Cryptography;
using System.Text;
using Osprey.Torch.Serialization;

namespace Osprey.Data.Datasets.Detection;

/// <summary>
/// The parsed labels of a YOLO split saved next to the labels folder (ultralytics' <c>labels/train.cache</c>), so a
/// later run does not re-parse them. Valid only for the exact file list it was made from: the key hashes every image
/// and label path with its size and modification time, and the class count (which decided what was an error).
/// Written atomically; an unreadable or stale file is ignored and rewritten.
/// </summary>
public static class LabelCache
{
    const string Magic = "osprey-yolo-labels";
    const int Version = 1;

    public sealed record Entry(bool HasLabelFile, float[] Boxes, long[] Classes, int Duplicates);

    /// <summary>ultralytics' place: the first label file's folder with a .cache suffix.</summary>
    public static string PathFor(IReadOnlyList<string> labelPaths) =>
        Path.GetDirectoryName(labelPaths[0])!.TrimEnd(Path.DirectorySeparatorChar) + ".cache";

    public static string Key(IReadOnlyList<string> imagePaths, IReadOnlyList<string> labelPaths, int classCount)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string s) => sha.AppendData(Encoding.UTF8.GetBytes(s + "\n"));
        Add($"v{Version} classes={classCount}");
        for (int i = 0; i < imagePaths.Count; i++)
        {
            Add(Stamp(imagePaths[i]));
            Add(Stamp(labelPaths[i]));
        }
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    static string Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? $"{path}|{info.Length}|{info.LastWriteTimeUtc.Ticks}" : $"{path}|missing";
    }

    /// <summary>The cached entries when <paramref name="path"/> holds <paramref name="count"/> of them under
    /// <paramref name="key"/>; null otherwise.</summary>
    public static Entry[]? TryLoad(string path, string key, int count)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (reader.ReadString() != Magic || reader.ReadInt32() != Version || reader.ReadString() != key) return null;
            if (reader.ReadInt32() != count) return null;
            var entries = new Entry[count];
            for (int i = 0; i < count; i++)
            {
                bool has = reader.ReadBoolean();
                int duplicates = reader.ReadInt32(), n = reader.ReadInt32();
                if (n < 0 || n > 1_000_000) return null;
                var classes = new long[n];
                var boxes = new float[4 * n];
                for (int j = 0; j < n; j++) classes[j] = reader.ReadInt64();
                for (int j = 0; j < 4 * n; j++) boxes[j] = reader.ReadSingle();
                entries[i] = new Entry(has, boxes, classes, duplicates);
            }
            return entries;
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static void Save(string path, string key, IReadOnlyList<Entry> entries) => AtomicFile.Write(path, stream =>
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(key);
        writer.Write(entries.Count);
        foreach (var e in entries)
        {
            writer.Write(e.HasLabelFile);
            writer.Write(e.Duplicates);
            writer.Write(e.Classes.Length);
            foreach (var c in e.Classes) writer.Write(c);
            foreach (var b in e.Boxes) writer.Write(b);
        }
    });
}
