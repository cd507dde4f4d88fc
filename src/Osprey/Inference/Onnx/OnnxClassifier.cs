using Microsoft.ML.OnnxRuntime;
using Osprey.Data.Images;
using Osprey.Training.Classification;

namespace Osprey.Inference.Onnx;

/// <summary>
/// Runs an exported classifier with ONNX Runtime: classes, input size, channels and normalization come from the
/// file's metadata (as <c>osprey export</c> writes it); each image is prepared as the native <see cref="Classifier"/>
/// prepares it (resize, 0..1, normalize), in managed code (<see cref="HostPreprocess"/>: no libtorch tensor is made),
/// and the results are the same <see cref="Prediction"/> records.
/// </summary>
public sealed class OnnxClassifier : IDisposable
{
    readonly OnnxModelFile file;

    public IReadOnlyList<string> Classes => file.Names;
    public int ImageSize => file.Height;
    public long Channels => file.Channels;

    public OnnxClassifier(string path, SessionOptions? options = null) : this(new OnnxModelFile(path, "classify", options)) { }

    /// <summary>Takes ownership of an open classify file.</summary>
    internal OnnxClassifier(OnnxModelFile file) => this.file = file;

    public IEnumerable<Prediction> Predict(IEnumerable<string> files, int topK = 5, int batchSize = 32)
    {
        var mode = Channels == 1 ? ImageReadMode.Gray : ImageReadMode.Rgb;
        foreach (var chunk in files.Chunk(batchSize))
            foreach (var prediction in PredictBatch(chunk, mode, topK)) yield return prediction;
    }

    List<Prediction> PredictBatch(string[] chunk, ImageReadMode mode, int topK)
    {
        var outputs = file.Run(Prepare(chunk, mode), chunk.Length, ImageSize, ImageSize);
        var logits = OnnxModelFile.Output(outputs, "logits", file.Path).Values;
        int classes = Classes.Count, k = Math.Min(topK, classes);
        var predictions = new List<Prediction>();
        for (int i = 0; i < chunk.Length; i++)
        {
            var probabilities = Softmax(logits.AsSpan(i * classes, classes));
            var top = Enumerable.Range(0, classes).OrderByDescending(c => probabilities[c]).ThenBy(c => c).Take(k)
                .Select(c => (c, Classes[c], probabilities[c])).ToArray();
            predictions.Add(new Prediction(chunk[i], top));
        }
        return predictions;
    }

    /// <summary>The batch input for <paramref name="files"/>: (N, C, size, size) float32, CHW per image.</summary>
    public float[] Prepare(IReadOnlyList<string> files, ImageReadMode mode)
    {
        int plane = (int)Channels * ImageSize * ImageSize;
        var pixels = new float[files.Count * plane];
        for (int i = 0; i < files.Count; i++)
        {
            var image = HostPreprocess.ResizeBilinear(ImageCodec.ReadHost(files[i], mode), ImageSize, ImageSize);
            HostPreprocess.Normalize(image, file.Mean, file.Std, pixels.AsSpan(i * plane, plane));
        }
        return pixels;
    }

    static double[] Softmax(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (var v in logits) max = Math.Max(max, v);
        var e = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < e.Length; i++) sum += e[i] = Math.Exp(logits[i] - max);
        for (int i = 0; i < e.Length; i++) e[i] /= sum;
        return e;
    }

    public void Dispose() => file.Dispose();
}
