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
    // A JSON header costs several times its size once parsed: 16 MB is room for ~100,000 tensors.
    const long MaxHeaderBytes = 16 << 20;

    static readonly Dictionary<string, DType> DTypes = new()
    {
        ["F32"] = DType.Float32, ["F64"] = DType.Float64, ["F16"] = DType.Float16, ["BF16"] = DType.BFloat16,
        ["I64"] = DType.Int64, ["I32"] = DType.Int32, ["I16"] = DType.Int16, ["I8"] = DType.Int8,
        ["U8"] = DType.UInt8, ["BOOL"] = DType.Bool,
    };

    /// <summary>Whether <paramref name="head"/> (a file's first 9 bytes) starts a safetensors file: a plausible 8-byte
    /// header length, then the header's opening brace.</summary>
    public static bool IsSafeTensors(ReadOnlySpan<byte> head) =>
        head.Length >= 9 && head[8] == (byte)'{' && BinaryPrimitives.ReadInt64LittleEndian(head) is >= 2 and <= MaxHeaderBytes;

    /// <summary>Reads every tensor (owned by the current scope, if any) and the string metadata.</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = UntrustedFile.ReadAllBytes(path, Array.MaxLength);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new TorchException(e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}");
        }
        try
        {
            return Parse(bytes);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException or ArgumentException)
        {
            throw new TorchException($"{path}: not a valid safetensors file: {e.Message}");
        }
    }

    /// <summary>
    /// Every field is checked, naming the tensor and the field: dtype a known name, shape non-negative integers,
    /// data_offsets two integers inside the data whose span is exactly the shape's byte count, and no two tensors
    /// sharing bytes (overlapping spans would let a small file make many large tensors).
    /// </summary>
    static (Dictionary<string, Tensor>, Dictionary<string, string>) Parse(byte[] bytes)
    {
        if (bytes.Length < 8) throw new FormatException("file shorter than its 8-byte header length");
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        if (headerLength < 2 || headerLength > MaxHeaderBytes || 8 + headerLength > bytes.Length)
            throw new FormatException($"header length {headerLength} does not fit a {bytes.Length}-byte file (and at most {MaxHeaderBytes})");
        // JsonDocument, not JsonNode: its parsed form is compact, and arrays are measured without materializing them.
        using var document = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength), new JsonDocumentOptions { MaxDepth = 8 });
        var header = document.RootElement;
        if (header.ValueKind != JsonValueKind.Object) throw new FormatException("the header is not a JSON object");
        var data = bytes.AsMemory(8 + (int)headerLength);
        var metadata = new Dictionary<string, string>();
        var layout = new List<(string Name, DType DType, long[] Shape, long Begin, long End)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in header.EnumerateObject())
        {
            var (name, node) = (property.Name, property.Value);
            if (!names.Add(name)) throw new FormatException($"the header names '{name}' twice");
            if (name == "__metadata__")
            {
                if (node.ValueKind != JsonValueKind.Object) throw new FormatException($"'__metadata__' is {Kind(node)}, expected an object of strings");
                foreach (var item in node.EnumerateObject())
                    metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String
                        ? item.Value.GetString()! : throw new FormatException($"metadata '{item.Name}' is {Kind(item.Value)}, expected a string");
                continue;
            }
            if (node.ValueKind != JsonValueKind.Object)
                throw new FormatException($"tensor '{name}' is {Kind(node)}, expected an object with dtype, shape and data_offsets");
            var dtypeField = Field(node, "dtype");
            var dtypeName = dtypeField is { ValueKind: JsonValueKind.String } d
                ? d.GetString()! : throw new FormatException($"tensor '{name}': field 'dtype' is {Kind(dtypeField)}, expected a string such as \"F32\"");
            if (!DTypes.TryGetValue(dtypeName, out var dtype))
                throw new FormatException($"tensor '{name}': unsupported dtype {dtypeName}");
            var shape = Integers(Field(node, "shape"), name, "shape", count: null);
            var offsets = Integers(Field(node, "data_offsets"), name, "data_offsets", count: 2);
            if (offsets[1] < offsets[0] || offsets[1] > data.Length)
                throw new FormatException($"tensor '{name}': field 'data_offsets' [{offsets[0]}, {offsets[1]}] is outside the {data.Length} bytes of data");
            long expected;
            try
            {
                expected = shape.Aggregate((long)dtype.ElementSize(), (n, dim) => checked(n * dim));
            }
            catch (OverflowException)
            {
                throw new FormatException($"tensor '{name}': field 'shape' [{string.Join(", ", shape)}] overflows a byte count");
            }
            if (offsets[1] - offsets[0] != expected)
                throw new FormatException($"tensor '{name}': field 'data_offsets' spans {offsets[1] - offsets[0]} bytes, but shape " +
                                          $"[{string.Join(", ", shape)}] of {dtypeName} needs {expected}");
            layout.Add((name, dtype, shape, offsets[0], offsets[1]));
        }
        var ordered = layout.Where(t => t.End > t.Begin).OrderBy(t => t.Begin).ToList();
        for (int k = 1; k < ordered.Count; k++)
            if (ordered[k].Begin < ordered[k - 1].End)
                throw new FormatException($"tensors '{ordered[k - 1].Name}' and '{ordered[k].Name}' share bytes (data_offsets overlap)");
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, dtype, shape, begin, end) in layout)
            tensors[name] = Tensor.FromBytes(data.Span[(int)begin..(int)end], dtype, shape);
        return (tensors, metadata);
    }

    static JsonElement? Field(JsonElement entry, string name) => entry.TryGetProperty(name, out var value) ? value : null;

    /// <summary>Dimensions (at most 64) or offsets: non-negative integers.</summary>
    static long[] Integers(JsonElement? node, string tensor, string field, int? count)
    {
        if (node is not { ValueKind: JsonValueKind.Array } array || (count is { } n && array.GetArrayLength() != n) || array.GetArrayLength() > 64)
            throw new FormatException($"tensor '{tensor}': field '{field}' is {Kind(node)}, expected {(count is { } c ? $"{c} integers" : "an array of at most 64 integers")}");
        var values = new long[array.GetArrayLength()];
        int i = 0;
        foreach (var v in array.EnumerateArray())
        {
            values[i] = v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var x) && x >= 0
                ? x : throw new FormatException($"tensor '{tensor}': field '{field}' item {i} is {Kind(v)}, expected a non-negative integer");
            i++;
        }
        return values;
    }

    static string Kind(JsonElement? node) => node switch
    {
        null or { ValueKind: JsonValueKind.Null } => "null or missing",
        { ValueKind: JsonValueKind.Object } => "an object",
        { ValueKind: JsonValueKind.Array } a => $"an array of {a.GetArrayLength()}",
        { } v => v.GetRawText().Length <= 40 ? v.GetRawText() : "a value",
    };

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
