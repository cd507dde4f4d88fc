using System.IO.Compression;

namespace Osprey.Torch.Serialization;

/// <summary>
/// Reads torch.save's zip layout: <c>&lt;folder&gt;/data.pkl</c> (the pickle), <c>&lt;folder&gt;/data/&lt;key&gt;</c>
/// (one raw record per storage), <c>&lt;folder&gt;/version</c> and, from PyTorch 2, <c>&lt;folder&gt;/byteorder</c>.
/// </summary>
internal static class TorchZipReader
{
    public static bool IsZip(ReadOnlySpan<byte> head) => head is [0x50, 0x4b, 0x03, 0x04, ..];

    /// <summary>Unpickles the archive; tensors are made in the current scope and listed in <paramref name="rebuild"/>.</summary>
    public static object? Load(string path, Stream file, PickleLimits limits, out TorchRebuild rebuild)
    {
        using var zip = Open(path, file);
        var pickle = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl") && e.FullName.Count(c => c == '/') == 1).ToList();
        if (pickle.Count != 1)
        {
            var hint = zip.Entries.Any(e => e.FullName.EndsWith("/constants.pkl"))
                ? " (this is a TorchScript archive from torch.jit.save, which holds code and is not supported)" : "";
            throw new TorchException($"{path}: expected exactly one <folder>/data.pkl in the zip archive, found {pickle.Count}{hint}");
        }
        var prefix = pickle[0].FullName[..^"data.pkl".Length];
        bool bigEndian = ReadByteOrder(path, zip, prefix);
        var storages = new Dictionary<string, TorchStorage>();

        object? PersistentLoad(object? pid)
        {
            if (pid is not object?[] { Length: 5 } id || id[0] is not "storage")
                throw new InvalidDataException($"persistent id {Containers.Describe(pid)} is not ('storage', type, key, location, size)");
            var dtype = TorchStorageTypes.DTypeOf(id[1]);
            var key = TorchStorageTypes.CheckKey(id[2]);
            if (id[4] is not long numel || numel < 0) throw new InvalidDataException($"storage '{key}' has size {Containers.Describe(id[4])}");
            if (storages.TryGetValue(key, out var known))
            {
                if (known.DType != dtype || known.Numel != numel)
                    throw new InvalidDataException($"storage '{key}' is named as both {known.Numel} x {known.DType.Name()} and {numel} x {dtype.Name()}");
                return known;
            }
            return storages[key] = new TorchStorage(key, dtype, numel);
        }

        Tensor Data(TorchStorage storage)
        {
            if (storage.Data is { } data) return data;
            var name = $"{prefix}data/{storage.Key}";
            var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"storage record '{name}' is missing from the archive");
            long needed = StorageData.ByteCount(storage);
            if (entry.Length < needed)
                throw new InvalidDataException($"storage record '{name}' holds {entry.Length} bytes, but {storage.Numel} x {storage.DType.Name()} needs {needed}");
            data = StorageData.Allocate(storage);
            using (var stream = entry.Open()) StorageData.Fill(data, storage, stream, bigEndian, name);
            return storage.Data = data;
        }

        var bytes = ReadEntry(path, pickle[0], limits.MaxPickleBytes);
        var reader = new PickleReader(bytes, $"{path} ({pickle[0].FullName})");
        rebuild = new TorchRebuild(Data);
        try
        {
            return new Unpickler(reader, new PickleGlobals(rebuild), PersistentLoad, limits).Load();
        }
        catch (EndOfStreamException)
        {
            throw new TorchException($"{path}: a storage record ends before its declared size");
        }
        catch (InvalidDataException e)
        {
            // Raised by the zip library (a corrupt record) rather than by the unpickler, which adds its own position.
            throw new TorchException($"{path}: {e.Message}");
        }
    }

    static ZipArchive Open(string path, Stream file)
    {
        try
        {
            return new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new TorchException($"{path}: not a readable zip archive: {e.Message}");
        }
    }

    static bool ReadByteOrder(string path, ZipArchive zip, string prefix)
    {
        var entry = zip.GetEntry(prefix + "byteorder");
        if (entry is null) return false;
        var text = System.Text.Encoding.ASCII.GetString(ReadEntry(path, entry, 16)).Trim();
        return text switch
        {
            "little" => false,
            "big" => true,
            _ => throw new TorchException($"{path}: {entry.FullName} says '{text}', expected 'little' or 'big'"),
        };
    }

    static byte[] ReadEntry(string path, ZipArchiveEntry entry, long limit)
    {
        if (entry.Length > limit)
            throw new TorchException($"{path}: {entry.FullName} is {entry.Length} bytes, over the {limit}-byte limit");
        var bytes = new byte[entry.Length];
        try
        {
            using var stream = entry.Open();
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new TorchException($"{path}: cannot read {entry.FullName}: {e.Message}");
        }
        return bytes;
    }
}
