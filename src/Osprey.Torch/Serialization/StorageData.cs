namespace Osprey.Torch.Serialization;

/// <summary>Allocates the 1-D tensor behind a storage and fills it from a file, straight into native memory.</summary>
internal static class StorageData
{
    const int Chunk = 1 << 20;

    public static long ByteCount(TorchStorage storage)
    {
        try
        {
            return checked(storage.Numel * storage.DType.ElementSize());
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"storage '{storage.Key}' of {storage.Numel} elements overflows a byte count");
        }
    }

    public static Tensor Allocate(TorchStorage storage)
    {
        if (storage.Numel < 0) throw new InvalidDataException($"storage '{storage.Key}' has negative size {storage.Numel}");
        return Tensor.Empty([storage.Numel], storage.DType);
    }

    /// <summary>Copies exactly the storage's bytes from <paramref name="source"/>; a short stream is an error.</summary>
    public static unsafe void Fill(Tensor data, TorchStorage storage, Stream source, bool bigEndian, string what)
    {
        long total = ByteCount(storage);
        if (total == 0) return;
        var start = (byte*)data.DataPointer;
        int elementSize = storage.DType.ElementSize();
        for (long done = 0; done < total;)
        {
            int count = (int)Math.Min(Chunk, total - done);
            var target = new Span<byte>(start + done, count);
            source.ReadExactly(target);
            if (bigEndian) TorchStorageTypes.SwapBytes(target, elementSize);
            done += count;
        }
    }
}
