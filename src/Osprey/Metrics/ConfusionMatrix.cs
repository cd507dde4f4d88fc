using Osprey.Torch;

namespace Osprey.Metrics;

/// <summary>
/// Counts of (true class, predicted class) pairs: row = the true class, column = the prediction. Accuracy is the
/// diagonal over the total; a class's accuracy (its recall) is its diagonal entry over its row.
/// </summary>
public sealed class ConfusionMatrix
{
    readonly long[] counts;

    public ConfusionMatrix(int classes)
    {
        if (classes < 1) throw new ArgumentException($"confusion matrix: class count {classes} must be positive");
        Classes = classes;
        counts = new long[classes * classes];
    }

    public int Classes { get; }

    /// <summary>How many samples of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => counts[Check(actual, "true class") * Classes + Check(predicted, "predicted class")];

    public long Total => counts.Sum();

    public void Add(int actual, int predicted) => counts[Check(actual, "true class") * Classes + Check(predicted, "predicted class")]++;

    /// <summary>Adds a batch: <paramref name="predicted"/> and <paramref name="actual"/> are (N) integer class ids.</summary>
    public void Add(Tensor predicted, Tensor actual)
    {
        if (predicted.Dim != 1 || actual.Dim != 1 || predicted.Size(0) != actual.Size(0))
            throw new ArgumentException($"confusion matrix: predictions {predicted.Describe()} and labels {actual.Describe()} must be two (N) vectors");
        using var scope = TensorScope.Begin();
        var p = predicted.To(DType.Int64).ToArray<long>();
        var a = actual.To(DType.Int64).ToArray<long>();
        for (int i = 0; i < p.Length; i++) Add(checked((int)a[i]), checked((int)p[i]));
    }

    public void Add(ConfusionMatrix other)
    {
        if (other.Classes != Classes) throw new ArgumentException($"confusion matrices of {Classes} and {other.Classes} classes cannot be added");
        for (int i = 0; i < counts.Length; i++) counts[i] += other.counts[i];
    }

    /// <summary>The counts, for <see cref="AppendState"/> on another matrix of as many classes.</summary>
    public void WriteState(BinaryWriter w) => w.WriteArray(counts);

    public void AppendState(BinaryReader r) => r.AddArray(counts, "confusion matrix");

    /// <summary>Correct predictions over all samples (NaN when empty).</summary>
    public double Accuracy
    {
        get
        {
            long correct = 0;
            for (int c = 0; c < Classes; c++) correct += counts[c * Classes + c];
            long total = Total;
            return total == 0 ? double.NaN : (double)correct / total;
        }
    }

    /// <summary>Per class: correct predictions of the class over its samples (NaN for a class with no samples).</summary>
    public double[] PerClassAccuracy()
    {
        var result = new double[Classes];
        for (int c = 0; c < Classes; c++)
        {
            long row = 0;
            for (int p = 0; p < Classes; p++) row += counts[c * Classes + p];
            result[c] = row == 0 ? double.NaN : (double)counts[c * Classes + c] / row;
        }
        return result;
    }

    int Check(int index, string what) => (uint)index < (uint)Classes
        ? index
        : throw new ArgumentOutOfRangeException(what, index, $"confusion matrix: {what} {index} is not in [0, {Classes})");
}
