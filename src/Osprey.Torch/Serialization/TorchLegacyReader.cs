using System.Numerics;

namespace Osprey.Torch.Serialization;

/// <summary>
/// Reads the pre-1.6 torch.save layout (still written with <c>_use_new_zipfile_serialization=False</c>):
/// five pickles in a row (magic number, protocol version, sys_info, the object, the storage keys), then
/// each storage as an int64 element count and its raw bytes. Storages are allocated when the object
/// pickle names them and filled afterwards, as PyTorch does.
/// </summary>
internal static class TorchLegacyReader
{
    static readonly BigInteger MagicNumber = BigInteger.Parse("119547037146038801333356");
    const long ProtocolVersion = 1001;

    public static bool IsLegacy(ReadOnlySpan<byte> head) => head is [0x80, >= 2 and <= 5, ..];

    /// <summary>PROTO n, an optional 9-byte FRAME, LONG1 of 10 bytes holding the magic number, STOP.</summary>
    public const int MagicPrefixLength = 2 + 9 + 2 + 10 + 1;

    /// <summary>
    /// The legacy format's first pickle is the magic number alone. It is matched byte for byte before any pickle runs,
    /// so a plain pickle (or anything else starting with PROTO) is refused at once rather than unpickled whole.
    /// </summary>
    public static void CheckMagic(string path, ReadOnlySpan<byte> head)
    {
        var rest = head.Length >= 2 ? head[2..] : head;
        if (rest is [0x95, ..] && rest.Length >= 9) rest = rest[9..];  // FRAME (protocol 4+)
        Span<byte> expected = stackalloc byte[10];
        MagicNumber.TryWriteBytes(expected, out _, isUnsigned: false, isBigEndian: false);
        if (rest.Length < 13 || rest[0] != 0x8a || rest[1] != 10 || !rest.Slice(2, 10).SequenceEqual(expected) || rest[12] != (byte)'.')
            throw new TorchException($"{path}: not a PyTorch checkpoint (a pickle, but not torch.save's: wrong magic number in the legacy format); " +
                                     "plain pickles are not loaded");
    }

    public static object? Load(string path, byte[] file, PickleLimits limits, out TorchRebuild rebuild)
    {
        var reader = new PickleReader(file, path);
        var storages = new Dictionary<string, TorchStorage>();
        rebuild = new TorchRebuild(s => s.Data!);
        var globals = new PickleGlobals(rebuild);

        object? Next(Func<object?, object?> persistentLoad) => new Unpickler(reader, globals, persistentLoad, limits).Load();
        object? NoPersistentIds(object? pid) => throw new InvalidDataException("persistent id outside the object pickle");

        if (Next(NoPersistentIds) is not BigInteger magic || magic != MagicNumber)
            throw new TorchException($"{path}: not a PyTorch file (wrong magic number in the legacy format)");
        if (Next(NoPersistentIds) is not ProtocolVersion)
            throw new TorchException($"{path}: unsupported legacy protocol version (expected {ProtocolVersion})");
        if (Next(NoPersistentIds) is PickleDict sysInfo && sysInfo.TryGetValue("little_endian", out var little) && little is false)
            throw new TorchException($"{path}: written on a big-endian machine; the legacy format from such machines is not supported");

        long declared = 0;
        object? PersistentLoad(object? pid)
        {
            if (pid is object?[] { Length: 4 } module && module[0] is "module")
                return module[1]; // an nn.Module class with its source text, kept for a check we do not make
            if (pid is not object?[] { Length: 6 } id || id[0] is not "storage")
                throw new InvalidDataException($"persistent id {Containers.Describe(pid)} is not ('storage', type, key, location, size, view)");
            var dtype = TorchStorageTypes.DTypeOf(id[1]);
            var key = TorchStorageTypes.CheckKey(id[2]);
            if (id[4] is not long numel || numel < 0) throw new InvalidDataException($"storage '{key}' has size {Containers.Describe(id[4])}");
            if (id[5] is not null) throw new InvalidDataException($"storage '{key}' is a view of another storage (legacy storage views are not supported)");
            if (!storages.TryGetValue(key, out var storage))
            {
                storage = new TorchStorage(key, dtype, numel);
                // The storages follow the pickles in the file: together they cannot be larger than it.
                declared += StorageData.ByteCount(storage);
                if (declared > file.Length)
                    throw new InvalidDataException($"storage '{key}' of {numel} x {dtype.Name()} takes the storages declared so far to {declared} bytes, " +
                                                   $"more than the whole {file.Length}-byte file");
                storages[key] = storage;
                storage.Data = StorageData.Allocate(storage);
            }
            else if (storage.DType != dtype || storage.Numel != numel)
                throw new InvalidDataException($"storage '{key}' is named with two different types or sizes");
            return storage;
        }

        var root = Next(PersistentLoad);
        if (Next(NoPersistentIds) is not List<object?> keys)
            throw new TorchException($"{path}: the storage key list after the object is missing");
        foreach (var item in keys)
        {
            var key = item as string ?? throw new TorchException($"{path}: storage key {Containers.Describe(item)} is not a string");
            if (!storages.TryGetValue(key, out var storage))
                throw new TorchException($"{path}: storage '{key}' is listed but never used");
            long count = (long)reader.ReadUInt64($"size of storage '{key}'");
            if (count != storage.Numel)
                throw new TorchException($"{path}: storage '{key}' has {count} elements on disk, the pickle said {storage.Numel}");
            using var stream = new MemoryStream(file, reader.Position, reader.Remaining, writable: false);
            StorageData.Fill(storage.Data!, storage, stream, bigEndian: false, key);
            reader.ReadSpan(StorageData.ByteCount(storage), $"data of storage '{key}'");
        }
        return root;
    }
}
