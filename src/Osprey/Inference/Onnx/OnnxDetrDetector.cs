using Microsoft.ML.OnnxRuntime;
using Osprey.Data.Images;
using Osprey.Data.Transforms.Detr;
using Osprey.Training.Detection;

namespace Osprey.Inference.Onnx;

/// <summary>
/// Runs an exported DETR with ONNX Runtime as the native <see cref="DetrDetector"/> runs the checkpoint, in managed
/// code only: the validation resize (shorter side to the file's size, longer side at most 1333 scaled alike; Pillow's
/// bilinear resampling), ImageNet normalization, DETR's PostProcess (softmax without the no-object class, best class,
/// boxes to the original pixels) and the score threshold (0.7 by default).
/// The exported graph has no padding mask, so the input is what the model sees whole: a file exported with a dynamic
/// size takes the resized image padded at the bottom and right to the nearest size it accepts (none when the resized
/// sides are multiples of 32: then the result is the native one); a fixed-size file takes the image scaled to fit its
/// size and padded. Padding is zero after normalization (the mean colour), and boxes are read relative to the padded input.
/// </summary>
public sealed class OnnxDetrDetector : IDisposable
{
    readonly OnnxModelFile file;

    public IReadOnlyList<string> Classes => file.Names;
    /// <summary>The shorter side the image is resized to (a dynamic-size file) and the cap of the longer side.</summary>
    public long ShorterSide { get; }
    public long MaxSize { get; }

    public OnnxDetrDetector(string path, SessionOptions? options = null) : this(new OnnxModelFile(path, "detect", options)) { }

    /// <summary>Takes ownership of an open detect file (disposed here if it is no DETR file).</summary>
    internal OnnxDetrDetector(OnnxModelFile file)
    {
        this.file = file;
        if (!IsDetr(file))
        {
            file.Dispose();
            throw new InvalidDataException($"{file.Path}: no outputs 'pred_logits' and 'pred_boxes' (outputs: {string.Join(", ", file.OutputNames)}); a YOLO file runs with OnnxYoloDetector");
        }
        var sizes = DetrTask.Sizes(Math.Min(file.Height, file.Width));
        (ShorterSide, MaxSize) = (sizes.ValSize, sizes.MaxSize);
    }

    internal static bool IsDetr(OnnxModelFile file) => file.OutputNames.Contains("pred_logits") && file.OutputNames.Contains("pred_boxes");

    public DetectionPrediction Detect(string image, double threshold = DetrDetector.DefaultThreshold)
    {
        var host = ImageCodec.ReadHost(image, ImageReadMode.Rgb);
        var (input, height, width, resized) = Prepare(host);
        var outputs = file.Run(input, 1, height, width);
        var (logits, logitShape) = OnnxModelFile.Output(outputs, "pred_logits", file.Path);
        var (boxes, _) = OnnxModelFile.Output(outputs, "pred_boxes", file.Path);
        int queries = logitShape[1], classes = logitShape[2];
        // Normalized boxes cover the padded input; the resize maps it back to the original pixels.
        float scaleX = (float)((double)host.Width * width / resized.Width), scaleY = (float)((double)host.Height * height / resized.Height);
        var objects = new List<DetectedObject>();
        for (int q = 0; q < queries; q++)
        {
            var (score, label) = BestClass(logits.AsSpan(q * classes, classes));
            if (score < threshold) continue;
            var b = boxes.AsSpan(q * 4, 4);
            objects.Add(new DetectedObject(label, Classes[label], score, (b[0] - 0.5f * b[2]) * scaleX, (b[1] - 0.5f * b[3]) * scaleY,
                                           (b[0] + 0.5f * b[2]) * scaleX, (b[1] + 0.5f * b[3]) * scaleY));
        }
        return new DetectionPrediction(image, objects.OrderByDescending(o => o.Score).ToArray());
    }

    /// <summary>The normalized input (1, 3, height, width) of an image, its size and the size of the resized image in it.</summary>
    public (float[] Pixels, int Height, int Width, (int Height, int Width) Resized) Prepare(HostImage image)
    {
        (int h, int w) resized;
        if (file.SizeStep != null)
        {
            var (h, w) = DetrGeometry.SizeWithAspectRatio(image.Height, image.Width, ShorterSide, MaxSize);
            resized = ((int)h, (int)w);
        }
        else
        {
            double r = Math.Min((double)file.Height / image.Height, (double)file.Width / image.Width);
            resized = (Math.Min(file.Height, (int)Math.Round(image.Height * r)), Math.Min(file.Width, (int)Math.Round(image.Width * r)));
        }
        var (height, width) = file.AcceptedSize(resized.h, resized.w);
        var pixels = new float[3 * resized.h * resized.w];
        HostPreprocess.Normalize(HostPreprocess.ResizePil(image, resized.h, resized.w), file.Mean, file.Std, pixels);
        return (HostPreprocess.PadPlanes(pixels, 3, resized.h, resized.w, height, width), height, width, resized);
    }

    /// <summary>DETR's score and label of one query: the softmax's maximum without the last (no-object) class.</summary>
    static (float Score, int Label) BestClass(ReadOnlySpan<float> logits)
    {
        float max = float.NegativeInfinity;
        foreach (var v in logits) max = MathF.Max(max, v);
        float sum = 0;
        foreach (var v in logits) sum += MathF.Exp(v - max);
        int best = 0;
        for (int c = 1; c < logits.Length - 1; c++)
            if (logits[c] > logits[best]) best = c;
        return (MathF.Exp(logits[best] - max) / sum, best);
    }

    public void Dispose() => file.Dispose();
}
