namespace Osprey.Metrics.Detection;

/// <summary>A dense row-major array of doubles, -1 where COCOeval has no value (as pycocotools initializes its
/// precision and recall arrays).</summary>
public sealed class CocoArray
{
    readonly double[] values;

    public CocoArray(int[] shape)
    {
        Shape = shape;
        values = new double[shape.Aggregate(1, (a, b) => a * b)];
        Array.Fill(values, -1);
    }

    public IReadOnlyList<int> Shape { get; }

    public double this[params int[] index]
    {
        get => values[Offset(index)];
        set => values[Offset(index)] = value;
    }

    int Offset(int[] index)
    {
        if (index.Length != Shape.Count) throw new ArgumentException($"CocoArray: {index.Length} indices for {Shape.Count} dimensions");
        int offset = 0;
        for (int i = 0; i < index.Length; i++)
        {
            if ((uint)index[i] >= (uint)Shape[i]) throw new IndexOutOfRangeException($"CocoArray: index {index[i]} of dimension {i} outside [0, {Shape[i]})");
            offset = offset * Shape[i] + index[i];
        }
        return offset;
    }
}
