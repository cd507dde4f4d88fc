namespace Osprey.Torch.Serialization;

/// <summary>
/// Reads torch.save's zip layout: <c>&lt;folder&gt;/data.pkl</c> (the pickle), <c>&lt;folder&gt;/data/&lt;key&gt;</c>
/// (one raw record per storage), <c>&lt;folder&gt;/version</c> and, from PyTorch 2, <c>&lt;folder&gt;/byteorder</c>.
/// The archive is vetted by <see cref="ZipDirectory"/>; every member read is bounded by what it must hold and its CRC checked.
/// </summary>
internal static class TorchZipReader
{
    public static bool IsZip(ReadOnlySpan<byte> head) => head is [0x50, 0x4b, 0x03, 0x04, ..];

    /// <summary>Unpickles the archive; tensors are made in the current scope and listed in <paramref name="rebuild"/>.</summary>
    public static object? Load(string path, Stream file, PickleLimits limits, out TorchRebuild rebuild)
    {
        ZipDirectory zip;
        try
        {
            zip = ZipDirectory.Read(file);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new TorchException($"{path}: not a readable zip archive: {e.Message}");
        }
        var pickle = zip.Entries.Where(e => e.Name.EndsWith("/data.pkl") && e.Name.Count(c => c == '/') == 1).ToList();
        if (pickle.Count != 1)
        {
            var hint = zip.Entries.Any(e => e.Name.EndsWith("/constants.pkl"))
                ? " (this is a TorchScript archive from torch.jit.save, which holds code and is not supported)" : "";
            throw new TorchException($"{path}: expected exactly one <folder>/data.pkl in the zip archive, found {pickle.Count}{hint}");
        }
        var prefix = pickle[0].Name[..^"data.pkl".Length];
        long inflated = 0;

        Stream Open(ZipEntry entry)
        {
            if (entry.Method == 8 && entry.Size > entry.CompressedSize)
            {
                inflated += entry.Size - entry.CompressedSize;
                if (inflated > limits.MaxInflatedBytes)
                    throw new InvalidDataException($"'{entry.Name}' inflates from {entry.CompressedSize} to {entry.Size} bytes, which takes the archive over " +
                                                   $"its budget of {limits.MaxInflatedBytes} inflated bytes (PickleLimits.MaxInflatedBytes)");
            }
            return new ZipEntryStream(file, entry);
        }

        byte[] ReadEntry(ZipEntry entry, long limit)
        {
            if (entry.Size > limit)
                throw new TorchException($"{path}: {entry.Name} is {entry.Size} bytes, over the {limit}-byte limit");
            try
            {
                var bytes = new byte[entry.Size];
                using var stream = Open(entry);
                stream.ReadExactly(bytes);
                return bytes;
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                throw new TorchException($"{path}: cannot read {entry.Name}: {e.Message}");
            }
        }

        bool bigEndian = ReadByteOrder(path, zip, prefix, ReadEntry);
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
            var storage = new TorchStorage(key, dtype, numel);
            var name = $"{prefix}data/{key}";
            var entry = zip.Get(name) ?? throw new InvalidDataException($"storage record '{name}' is missing from the archive");
            long needed = StorageData.ByteCount(storage);
            // Checked when the storage is named, before any tensor is made of it or any memory is allocated for it.
            if (entry.Size != needed)
                throw new InvalidDataException($"storage record '{name}' holds {entry.Size} bytes, but {numel} x {dtype.Name()} needs {needed}");
            return storages[key] = storage;
        }

        Tensor Data(TorchStorage storage)
        {
            if (storage.Data is { } data) return data;
            var name = $"{prefix}data/{storage.Key}";
            var entry = zip.Get(name)!;
            using var stream = Open(entry);
            data = StorageData.Allocate(storage);  // owned by the loading scope, released with it on failure
            StorageData.Fill(data, storage, stream, bigEndian, name);
            return storage.Data = data;
        }

        var bytes = ReadEntry(pickle[0], limits.MaxPickleBytes);
        var reader = new PickleReader(bytes, $"{path} ({pickle[0].Name})");
        rebuild = new TorchRebuild(Data);
        try
        {
            return new Unpickler(reader, new PickleGlobals(rebuild), PersistentLoad, limits).Load();
        }
        catch (EndOfStreamException)
        {
            throw new TorchException($"{path}: a storage record ends before its declared size");
        }
    }

    static bool ReadByteOrder(string path, ZipDirectory zip, string prefix, Func<ZipEntry, long, byte[]> read)
    {
        var entry = zip.Get(prefix + "byteorder");
        if (entry is null) return false;
        var text = System.Text.Encoding.ASCII.GetString(read(entry, 16)).Trim();
        return text switch
        {
            "little" => false,
            "big" => true,
            _ => throw new TorchException($"{path}: {entry.Name} says '{text}', expected 'little' or 'big'"),
        };
    }
}
