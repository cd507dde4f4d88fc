using System.IO.Compression;
using O = Osprey.Torch.Serialization.PickleOpcodes;

namespace Osprey.Torch.Serialization;

/// <summary>
/// Writes state dicts in torch.save's zip format, readable by PyTorch's <c>torch.load</c> as an
/// OrderedDict of tensors (each tensor contiguous on CPU, with its own storage).
/// </summary>
public static class TorchSave
{
    const string Folder = "archive";

    /// <summary>Saves <paramref name="stateDict"/> atomically (temp file, then rename), in the dictionary's order.</summary>
    public static void SaveStateDict(string path, IReadOnlyDictionary<string, Tensor> stateDict)
    {
        var entries = stateDict.ToList();
        var pickle = new PickleWriter();
        pickle.Global("collections", "OrderedDict");
        pickle.Op(O.EmptyTuple);
        pickle.Op(O.Reduce);
        if (entries.Count > 0)
        {
            pickle.Op(O.Mark);
            for (int k = 0; k < entries.Count; k++) WriteTensor(pickle, entries[k].Key, entries[k].Value, k);
            pickle.Op(O.SetItems);
        }
        var data = pickle.Finish();

        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            Record(zip, $"{Folder}/data.pkl", data);
            for (int k = 0; k < entries.Count; k++) Record(zip, $"{Folder}/data/{k}", entries[k].Value.ToBytes());
            Record(zip, $"{Folder}/version", "3\n"u8.ToArray());
        });
    }

    /// <summary>key, _rebuild_tensor_v2(('storage', torch.XStorage, 'k', 'cpu', numel), 0, size, stride, False, OrderedDict()).</summary>
    static void WriteTensor(PickleWriter pickle, string key, Tensor tensor, int index)
    {
        if (tensor.IsDisposed) throw new TorchException($"state dict entry '{key}' is a disposed tensor");
        var shape = tensor.Shape;
        pickle.String(key);
        pickle.Global("torch._utils", "_rebuild_tensor_v2");
        pickle.Op(O.Mark);
        pickle.Op(O.Mark);
        pickle.String("storage");
        pickle.Global("torch", TorchStorageTypes.NameOf(tensor.DType));
        pickle.String(index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        pickle.String("cpu");
        pickle.Int(shape.Aggregate(1L, (a, b) => a * b));
        pickle.Op(O.Tuple);
        pickle.Op(O.BinPersId);
        pickle.Int(0);
        pickle.IntTuple(shape);
        pickle.IntTuple(ContiguousStrides(shape));
        pickle.Bool(false);
        pickle.Global("collections", "OrderedDict");
        pickle.Op(O.EmptyTuple);
        pickle.Op(O.Reduce);
        pickle.Op(O.Tuple);
        pickle.Op(O.Reduce);
    }

    static long[] ContiguousStrides(long[] shape)
    {
        var strides = new long[shape.Length];
        long step = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = step;
            step *= Math.Max(shape[d], 1);
        }
        return strides;
    }

    /// <summary>An uncompressed record: PyTorch reads records in place, so they are stored, not deflated.</summary>
    static void Record(ZipArchive zip, string name, byte[] bytes)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var stream = entry.Open();
        stream.Write(bytes);
    }
}
