using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Osprey.Torch.Serialization;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw data. Used for golden fixtures and weight exchange.
/// </summary>
public static class SafeTensors
{
    const long MaxHeaderBytes = 100 << 20;

    static readonly Dictionary<string, DType> DTypes = new()
    {
        ["F32"] = DType.Float32, ["F64"] = DType.Float64, ["F16"] = DType.Float16, ["BF16"] = DType.BFloat16,
        ["I64"] = DType.Int64, ["I32"] = DType.Int32, ["I16"] = DType.Int16, ["I8"] = DType.Int8,
        ["U8"] = DType.UInt8, ["BOOL"] = DType.Bool,
    };

    /// <summary>Reads every tensor (owned by the current scope, if any) and the string metadata.</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return Parse(bytes);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException or ArgumentException)
        {
            throw new TorchException($"{path}: not a valid safetensors file: {e.Message}");
        }
    }

    static (Dictionary<string, Tensor>, Dictionary<string, string>) Parse(byte[] bytes)
    {
        if (bytes.Length < 8) throw new FormatException("file shorter than its 8-byte header length");
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        if (headerLength < 2 || headerLength > MaxHeaderBytes || 8 + headerLength > bytes.Length)
            throw new FormatException($"header length {headerLength} does not fit a {bytes.Length}-byte file");
        var header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength))!.AsObject();
        var data = bytes.AsMemory(8 + (int)headerLength);
        var tensors = new Dictionary<string, Tensor>();
        var metadata = new Dictionary<string, string>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (k, v) in node!.AsObject()) metadata[k] = v!.GetValue<string>();
                continue;
            }
            var entry = node!.AsObject();
            var dtypeName = entry["dtype"]!.GetValue<string>();
            if (!DTypes.TryGetValue(dtypeName, out var dtype))
                throw new FormatException($"tensor '{name}': unsupported dtype {dtypeName}");
            var shape = entry["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            var offsets = entry["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > data.Length)
                throw new FormatException($"tensor '{name}': data_offsets [{string.Join(", ", offsets)}] outside the data");
            var span = data.Span[(int)offsets[0]..(int)offsets[1]];
            tensors[name] = Tensor.FromBytes(span, dtype, shape);
        }
        return (tensors, metadata);
    }

    /// <summary>Writes tensors (contiguous copies) and metadata atomically: temp file, then rename.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.Write(path, stream => Write(stream, tensors, metadata));

    /// <summary>Writes the safetensors bytes to <paramref name="stream"/>, one tensor at a time after the header.</summary>
    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        var ordered = tensors.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            var dtype = tensor.DType;
            if (!DTypes.ContainsValue(dtype)) throw new TorchException($"safetensors: tensor '{name}' has dtype {dtype.Name()}, which the format cannot hold");
            long size = tensor.NumEl * dtype.ElementSize();
            header[name] = new JsonObject
            {
                ["dtype"] = DTypes.First(p => p.Value == dtype).Key,
                ["shape"] = new JsonArray(tensor.Shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + size),
            };
            offset += size;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, headerBytes.Length);
        stream.Write(length);
        stream.Write(headerBytes);
        foreach (var (_, tensor) in ordered) stream.Write(tensor.ToBytes());
    }
}
