using Microsoft.ML.OnnxRuntime;
using Osprey.Data.Images;
using Osprey.Data.Transforms.Detection;
using Osprey.Models.Detection.Boxes;
using Osprey.Training;
using Osprey.Training.Detection;

namespace Osprey.Inference.Onnx;

/// <summary>
/// Runs an exported YOLO detector with ONNX Runtime as the native <see cref="YoloDetector"/> runs the checkpoint, in
/// managed code only: ultralytics' letterbox to the file's input size (<see cref="HostPreprocess"/>'s ATen bilinear
/// resize, grey 114 border), 0..1, ultralytics' NMS on the host array (<see cref="NonMaxSuppression"/>, the request's
/// thresholds), boxes back in each original image. A file exported with NMS in the graph gives its rows as they are
/// (its IoU threshold was fixed at export); the request's confidence and classes then filter them.
/// <code>
/// using var detector = new OnnxYoloDetector("best.onnx");
/// foreach (var o in detector.Detect("street.jpg").Objects) Console.WriteLine($"{o.Name} {o.Score:F2}");
/// </code>
/// </summary>
public sealed class OnnxYoloDetector : IDisposable
{
    readonly OnnxModelFile file;
    readonly LetterBox letterBox;

    public NmsOptions Nms { get; }
    public IReadOnlyList<string> Classes => file.Names;
    public int Height => letterBox.Height;
    public int Width => letterBox.Width;

    /// <param name="request">Thresholds, classes, max detections; its image size needs a file exported with a
    /// dynamic size that accepts it (null: the file's size).</param>
    public OnnxYoloDetector(string path, PredictRequest? request = null, SessionOptions? options = null)
        : this(new OnnxModelFile(path, "detect", options), request) { }

    /// <summary>Takes ownership of an open detect file (disposed here if it is no YOLO file).</summary>
    internal OnnxYoloDetector(OnnxModelFile file, PredictRequest? request)
    {
        request ??= new PredictRequest();
        this.file = file;
        var path = file.Path;
        try
        {
            if (!file.OutputNames.Contains("output0"))
                throw new InvalidDataException($"{path}: no output 'output0' (outputs: {string.Join(", ", file.OutputNames)}); a DETR file runs with OnnxDetrDetector");
            letterBox = new LetterBox(file.Height, file.Width);
            if (request.ImageSize is { } size && (size, size) != (file.Height, file.Width))
            {
                if (file.SizeStep == null || file.AcceptedSize(size, size) != (size, size))
                    throw new ArgumentException($"{path}: image size {size} is not an input size of this file ({file.Height}x{file.Width}" +
                                                (file.SizeStep is { } step ? $" + k x {step}" : ", fixed") + ")");
                letterBox = new LetterBox(size);
            }
            Nms = YoloDetector.NmsFor(request);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public DetectionPrediction Detect(string image) => Detect([image])[0];

    /// <summary>Detects on each file as one batch (images decoded as RGB).</summary>
    public IReadOnlyList<DetectionPrediction> Detect(IReadOnlyList<string> images)
    {
        if (images.Count == 0) return [];
        var sizes = new (int Width, int Height)[images.Count];
        var pixels = Prepare(images, sizes);
        var (values, shape) = OnnxModelFile.Output(file.Run(pixels, images.Count, Height, Width), "output0", file.Path);
        var rows = file.HasNms ? GraphRows(values, shape) : NonMaxSuppression.Apply(values, shape[0], shape[1], shape[2], Nms);
        var result = new DetectionPrediction[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            var (width, height) = sizes[i];
            var d = Detections.FromRows(rows[i], letterBox.GeometryFor(width, height), width, height);
            result[i] = new DetectionPrediction(images[i], YoloDetector.Objects(d, Classes));
        }
        return result;
    }

    /// <summary>The letterboxed batch (N, 3, Height, Width) of 0..1 values; each image's original size into <paramref name="sizes"/>.</summary>
    public float[] Prepare(IReadOnlyList<string> images, (int Width, int Height)[] sizes)
    {
        int plane = 3 * Height * Width;
        var pixels = new float[images.Count * plane];
        for (int i = 0; i < images.Count; i++)
        {
            var image = ImageCodec.ReadHost(images[i], ImageReadMode.Rgb);
            sizes[i] = (image.Width, image.Height);
            var g = letterBox.GeometryFor(image.Width, image.Height);
            var (right, bottom) = letterBox.FarPadding(g);
            var boxed = HostPreprocess.Pad(HostPreprocess.ResizeBilinear(image, g.ResizedHeight, g.ResizedWidth),
                                           g.PadLeft, g.PadTop, right, bottom, letterBox.PadValue);
            HostPreprocess.Normalize(boxed, file.Mean, file.Std, pixels.AsSpan(i * plane, plane));
        }
        return pixels;
    }

    /// <summary>The graph's (N, max_det, 6) rows per image: those with a score, above the requested confidence and of
    /// the requested classes.</summary>
    List<float[]> GraphRows(float[] values, int[] shape)
    {
        var allowed = Nms.Classes?.ToHashSet();
        var result = new List<float[]>();
        for (int b = 0; b < shape[0]; b++)
        {
            var kept = new List<float>();
            for (int r = 0; r < shape[1]; r++)
            {
                var row = values.AsSpan((b * shape[1] + r) * 6, 6);
                if (row[4] > 0 && row[4] > Nms.Confidence && (allowed == null || allowed.Contains((int)row[5]))) kept.AddRange(row);
            }
            result.Add(kept.ToArray());
        }
        return result;
    }

    public void Dispose() => file.Dispose();
}
