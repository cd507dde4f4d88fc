namespace Osprey.Torch.Serialization;

/// <summary>The typed storage classes torch.save names (torch.FloatStorage, ...) and their dtypes.</summary>
internal static class TorchStorageTypes
{
    static readonly Dictionary<string, DType> ByName = new()
    {
        ["FloatStorage"] = DType.Float32, ["DoubleStorage"] = DType.Float64, ["HalfStorage"] = DType.Float16,
        ["BFloat16Storage"] = DType.BFloat16, ["LongStorage"] = DType.Int64, ["IntStorage"] = DType.Int32,
        ["ShortStorage"] = DType.Int16, ["CharStorage"] = DType.Int8, ["ByteStorage"] = DType.UInt8, ["BoolStorage"] = DType.Bool,
    };

    /// <summary>The dtype of a storage class named in a persistent id (torch.X or, in old files, torch.cuda.X).</summary>
    public static DType DTypeOf(object? storageType)
    {
        if (storageType is PickledGlobal { Module: "torch" or "torch.cuda" } g && ByName.TryGetValue(g.Name, out var dtype))
            return dtype;
        throw new InvalidDataException($"storage type {Containers.Describe(storageType)} is not one of the supported torch.*Storage classes " +
                                       $"({string.Join(", ", ByName.Keys)})");
    }

    /// <summary>The storage class name torch.save writes for a dtype.</summary>
    public static string NameOf(DType dtype) =>
        ByName.FirstOrDefault(p => p.Value == dtype).Key ?? throw new TorchException($"no torch storage type for dtype {dtype.Name()}");

    /// <summary>Storage keys name archive records: plain names only, never paths.</summary>
    public static string CheckKey(object? key) =>
        key is string s && s.Length is > 0 and <= 64 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') && s != "." && s != ".."
            ? s
            : throw new InvalidDataException($"storage key {Containers.Describe(key)} is not a plain record name");

    /// <summary>Reverses the bytes of each element (storages written on a big-endian machine).</summary>
    public static void SwapBytes(Span<byte> data, int elementSize)
    {
        if (elementSize == 1) return;
        for (int k = 0; k + elementSize <= data.Length; k += elementSize) data.Slice(k, elementSize).Reverse();
    }
}
