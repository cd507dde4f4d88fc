using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Osprey.Data.Images;
using Osprey.Models.Segmentation.Inference;
using Osprey.Training;
using Osprey.Training.Segmentation;

namespace Osprey.Inference.Onnx;

/// <summary>One image segmented without libtorch: the class of every pixel at the original size (row-major, H x W)
/// and the pixel count of each class.</summary>
public sealed record HostSegmentation(string Source, int Height, int Width, byte[] Mask, IReadOnlyList<long> ClassAreas, IReadOnlyList<string> Classes)
    : IPrediction
{
    /// <summary>The native predictor's record of it (no files saved).</summary>
    public SegmentationPrediction ToPrediction() =>
        new(Source, Height, Width, ClassAreas.Select((n, c) => (c, Classes[c], n)).ToArray(), null, null);

    public string Text => ToPrediction().Text;

    public JsonNode ToJson() => ToPrediction().ToJson();
}

/// <summary>
/// Runs an exported segmentation model with ONNX Runtime as the native <see cref="Segmenter"/> runs the checkpoint
/// (no test-time augmentation), in managed code only: the image normalized at its own size, padded at the bottom and
/// right to the model's size divisor (metadata <c>size_divisor</c>), run whole when it fits the file's traced size and
/// by sliding window of that size otherwise (stride 2/3 of it, rounded up to the divisor; overlapping logits averaged),
/// the logits cropped back and the arg-max class per pixel.
/// Each forward's input must be a size the file accepts: a dynamic-size file takes the window padded to the nearest
/// accepted size, a fixed-size file the window padded to its size (zeros after normalization, logits cropped back). Where
/// that padding is none (a UNet file exported with a dynamic size; windows of the full traced size) the logits are the
/// native ones; otherwise the extra border changes the outputs near it.
/// </summary>
public sealed class OnnxSegmenter : IDisposable
{
    readonly OnnxModelFile file;

    public IReadOnlyList<string> Classes => file.Names;
    public (int Height, int Width) Crop { get; }
    public (int Height, int Width) Stride { get; }
    public int Divisor => file.SizeDivisor;

    public OnnxSegmenter(string path, SessionOptions? options = null) : this(new OnnxModelFile(path, "segment", options)) { }

    /// <summary>Takes ownership of an open segment file.</summary>
    internal OnnxSegmenter(OnnxModelFile file)
    {
        this.file = file;
        if (!file.OutputNames.Contains("logits"))
        {
            file.Dispose();
            throw new InvalidDataException($"{file.Path}: no output 'logits' (outputs: {string.Join(", ", file.OutputNames)})");
        }
        Crop = (Up(file.Height, Divisor), Up(file.Width, Divisor));
        Stride = (Math.Max(Divisor, Up(Crop.Height * 2 / 3, Divisor)), Math.Max(Divisor, Up(Crop.Width * 2 / 3, Divisor)));
    }

    static int Up(int size, int divisor) => (int)PadToMultiple.Up(size, divisor);

    public HostSegmentation Segment(string image)
    {
        var host = ImageCodec.ReadHost(image, ImageReadMode.Rgb);
        var logits = Logits(host);
        int classes = Classes.Count, plane = host.Height * host.Width;
        var mask = new byte[plane];
        var areas = new long[classes];
        for (int i = 0; i < plane; i++)
        {
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (logits[c * plane + i] > logits[best * plane + i]) best = c;
            mask[i] = (byte)best;
            areas[best]++;
        }
        return new HostSegmentation(image, host.Height, host.Width, mask, areas, Classes);
    }

    /// <summary>The class logits (classes, H, W) of an image at its size.</summary>
    public float[] Logits(HostImage image)
    {
        int h = image.Height, w = image.Width, classes = Classes.Count;
        var normalized = new float[3 * h * w];
        HostPreprocess.Normalize(image, file.Mean, file.Std, normalized);
        int ph = Up(h, Divisor), pw = Up(w, Divisor);
        var input = HostPreprocess.PadPlanes(normalized, 3, h, w, ph, pw);
        float[] logits;
        if (ph <= Crop.Height && pw <= Crop.Width) logits = Window(input, ph, pw, 0, 0, ph, pw);
        else
        {
            var sum = new float[classes * ph * pw];
            var count = new float[ph * pw];
            foreach (var (top, left, bottom, right) in SegmentationInference.SlideWindows(ph, pw, Crop, Stride))
            {
                int y1 = (int)top, x1 = (int)left, y2 = (int)bottom, x2 = (int)right;
                var part = Window(input, ph, pw, y1, x1, y2 - y1, x2 - x1);
                for (int k = 0; k < classes; k++)
                    for (int y = y1; y < y2; y++)
                        for (int x = x1; x < x2; x++) sum[(k * ph + y) * pw + x] += part[(k * (y2 - y1) + y - y1) * (x2 - x1) + x - x1];
                for (int y = y1; y < y2; y++)
                    for (int x = x1; x < x2; x++) count[y * pw + x] += 1;
            }
            for (int k = 0; k < classes; k++)
                for (int i = 0; i < ph * pw; i++) sum[k * ph * pw + i] /= count[i];
            logits = sum;
        }
        return Cut(logits, classes, ph, pw, 0, 0, h, w);
    }

    /// <summary>The logits (classes, height, width) of the window at (top, left) of the padded input.</summary>
    float[] Window(float[] input, int inputHeight, int inputWidth, int top, int left, int height, int width)
    {
        var window = Cut(input, 3, inputHeight, inputWidth, top, left, height, width);
        var (runHeight, runWidth) = file.AcceptedSize(height, width);
        var output = OnnxModelFile.Output(file.Run(HostPreprocess.PadPlanes(window, 3, height, width, runHeight, runWidth), 1, runHeight, runWidth),
                                          "logits", file.Path);
        if (output.Shape[1] != Classes.Count)
            throw new InvalidDataException($"{file.Path}: logits have {output.Shape[1]} classes, metadata names {Classes.Count}");
        return Cut(output.Values, Classes.Count, runHeight, runWidth, 0, 0, height, width);
    }

    static float[] Cut(float[] planes, int channels, int height, int width, int top, int left, int toHeight, int toWidth)
    {
        if (top == 0 && left == 0 && toHeight == height && toWidth == width) return planes;
        var result = new float[channels * toHeight * toWidth];
        for (int k = 0; k < channels; k++)
            for (int y = 0; y < toHeight; y++)
                Array.Copy(planes, (k * height + top + y) * width + left, result, (k * toHeight + y) * toWidth, toWidth);
        return result;
    }

    public void Dispose() => file.Dispose();
}
