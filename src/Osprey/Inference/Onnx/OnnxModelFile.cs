using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Osprey.Export.Onnx;

namespace Osprey.Inference.Onnx;

/// <summary>
/// A file written by <c>osprey export</c>, open in ONNX Runtime, with what its metadata and its input declare: task,
/// class names, traced input size, channels, normalization, and whether batch and size are fixed. Runs float32 CHW
/// batches whatever the file's precision (a <c>--half</c> file gets float16 input and its outputs come back as float32).
/// </summary>
public sealed class OnnxModelFile : IDisposable
{
    readonly InferenceSession session;
    readonly bool half;

    public string Path { get; }
    public string Task { get; }
    public IReadOnlyList<string> Names { get; }
    /// <summary>The traced input size (metadata <c>imgsz</c>): the only size a fixed-size file accepts.</summary>
    public int Height { get; }
    public int Width { get; }
    public int Channels { get; }
    public float[] Mean { get; }
    public float[] Std { get; }
    /// <summary>The batch a fixed-batch file takes; null when the batch axis is dynamic.</summary>
    public int? Batch { get; }
    /// <summary>With a dynamic size, the accepted sizes are Height + k SizeStep (Width alike); null when fixed.</summary>
    public int? SizeStep { get; }
    /// <summary>Metadata <c>size_divisor</c> (segmentation): input sides the native runner pads to; 1 when absent.</summary>
    public int SizeDivisor { get; }
    /// <summary>YOLO: non-maximum suppression is in the graph (metadata <c>nms</c>).</summary>
    public bool HasNms { get; }
    public IReadOnlyList<string> OutputNames { get; }

    /// <param name="task">The task the caller runs (classify, detect, segment), or null for any.</param>
    public OnnxModelFile(string path, string? task, SessionOptions? options = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX file {path} does not exist", path);
        Path = path;
        session = options == null ? new InferenceSession(path) : new InferenceSession(path, options);
        try
        {
            var meta = session.ModelMetadata.CustomMetadataMap;
            string Field(string key) => meta.TryGetValue(key, out var v) ? v
                : throw new InvalidDataException($"{path}: metadata '{key}' is missing (export the file with osprey export)");
            int Int(string key) => int.Parse(Field(key), CultureInfo.InvariantCulture);
            Task = Field("task");
            if (task != null && Task != task) throw new InvalidDataException($"{path}: task is '{Task}', expected {task}");
            Names = OnnxMetadataText.Names(Field("names"), path);
            var size = OnnxMetadataText.Floats(Field("imgsz"), "imgsz", path);
            if (size.Length != 2) throw new InvalidDataException($"{path}: metadata 'imgsz' must be [height, width], got {Field("imgsz")}");
            (Height, Width) = ((int)size[0], (int)size[1]);
            Channels = Int("channels");
            Mean = OnnxMetadataText.Floats(Field("mean"), "mean", path);
            Std = OnnxMetadataText.Floats(Field("std"), "std", path);
            HasNms = meta.TryGetValue("nms", out var nms) && nms == "True";
            SizeDivisor = meta.ContainsKey("size_divisor") ? Int("size_divisor") : 1;

            if (!session.InputMetadata.TryGetValue(OnnxExport.InputName, out var input))
                throw new InvalidDataException($"{path}: no input named '{OnnxExport.InputName}'");
            half = input.ElementDataType == TensorElementType.Float16;
            var dims = input.Dimensions;
            if (dims.Length != 4 || dims[1] != Channels)
                throw new InvalidDataException($"{path}: input '{OnnxExport.InputName}' must be (N, {Channels}, H, W), got ({string.Join(", ", dims)})");
            Batch = dims[0] > 0 ? dims[0] : null;
            if (dims[2] > 0 != dims[3] > 0) throw new InvalidDataException($"{path}: height and width must both be fixed or both dynamic");
            if (dims[2] <= 0) SizeStep = meta.ContainsKey("size_step") ? Int("size_step")
                : throw new InvalidDataException($"{path}: the input size is dynamic but metadata 'size_step' is missing");
            OutputNames = session.OutputMetadata.Keys.ToArray();
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The smallest size this file accepts that holds height x width (the traced size if fixed; an error if
    /// the image is larger than a fixed size).</summary>
    public (int Height, int Width) AcceptedSize(int height, int width)
    {
        if (SizeStep is not { } step)
        {
            if (height > Height || width > Width)
                throw new ArgumentException($"{Path}: a {height}x{width} input does not fit the file's fixed {Height}x{Width}");
            return (Height, Width);
        }
        static int Up(int size, int traced, int step) =>
            size <= traced ? traced - (traced - size) / step * step : traced + (size - traced + step - 1) / step * step;
        return (Up(height, Height, step), Up(width, Width, step));
    }

    /// <summary>Runs a (count, Channels, height, width) float32 batch; the outputs by name, as float32 with their shapes.
    /// A fixed-batch file gets the batch split or zero-filled to its size.</summary>
    public IReadOnlyDictionary<string, (float[] Values, int[] Shape)> Run(float[] pixels, int count, int height, int width)
    {
        int plane = Channels * height * width;
        if (pixels.Length != count * plane)
            throw new ArgumentException($"{Path}: {pixels.Length} input values for {count} x {Channels} x {height} x {width}");
        if (Batch is not { } fixedBatch || fixedBatch == count) return RunOnce(pixels, count, height, width);
        var parts = new List<IReadOnlyDictionary<string, (float[] Values, int[] Shape)>>();
        for (int start = 0; start < count; start += fixedBatch)
        {
            var chunk = new float[fixedBatch * plane];
            Array.Copy(pixels, start * plane, chunk, 0, Math.Min(fixedBatch, count - start) * plane);
            parts.Add(RunOnce(chunk, fixedBatch, height, width));
        }
        return parts[0].Keys.ToDictionary(name => name, name =>
        {
            var shape = parts[0][name].Shape.ToArray();
            int per = parts[0][name].Values.Length / fixedBatch;
            var values = parts.SelectMany(p => p[name].Values).Take(count * per).ToArray();
            shape[0] = count;
            return (values, shape);
        });
    }

    IReadOnlyDictionary<string, (float[] Values, int[] Shape)> RunOnce(float[] pixels, int count, int height, int width)
    {
        int[] dims = [count, Channels, height, width];
        var input = half
            ? NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, new DenseTensor<Float16>(pixels.Select(v => (Float16)v).ToArray(), dims))
            : NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, new DenseTensor<float>(pixels, dims));
        using var results = session.Run([input]);
        var outputs = new Dictionary<string, (float[], int[])>();
        foreach (var r in results)
        {
            if (half)
            {
                var t = r.AsTensor<Float16>();
                outputs[r.Name] = (t.ToArray().Select(v => (float)v).ToArray(), t.Dimensions.ToArray());
            }
            else
            {
                var t = r.AsTensor<float>();
                outputs[r.Name] = (t.ToArray(), t.Dimensions.ToArray());
            }
        }
        return outputs;
    }

    /// <summary>The output <paramref name="name"/> of a run, or an error naming the outputs the file has.</summary>
    public static (float[] Values, int[] Shape) Output(IReadOnlyDictionary<string, (float[] Values, int[] Shape)> outputs, string name, string path) =>
        outputs.TryGetValue(name, out var o) ? o
            : throw new InvalidDataException($"{path}: no output '{name}' (outputs: {string.Join(", ", outputs.Keys)})");

    public void Dispose() => session.Dispose();
}
