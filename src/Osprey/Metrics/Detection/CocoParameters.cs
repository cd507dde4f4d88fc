namespace Osprey.Metrics.Detection;

/// <summary>pycocotools' default bbox evaluation parameters, with its exact floating-point values.</summary>
public static class CocoParameters
{
    /// <summary>0.50, 0.55, ..., 0.95 as numpy's linspace computes them.</summary>
    public static IReadOnlyList<double> IouThresholds { get; } = Linspace(0.5, 0.95, 10);

    /// <summary>0, 0.01, ..., 1: the 101 recall points precision is sampled at.</summary>
    public static IReadOnlyList<double> RecallThresholds { get; } = Linspace(0, 1, 101);

    public static IReadOnlyList<int> MaxDetections { get; } = [1, 10, 100];

    /// <summary>all, small, medium, large: object areas in [min, max] (both bounds inclusive).</summary>
    public static IReadOnlyList<(string Name, double Min, double Max)> AreaRanges { get; } =
        [("all", 0, 1e10), ("small", 0, 32 * 32), ("medium", 32 * 32, 96 * 96), ("large", 96 * 96, 1e10)];

    /// <summary>numpy.linspace with endpoint: i * ((stop - start) / (n - 1)) + start, the last set to stop.</summary>
    static double[] Linspace(double start, double stop, int count)
    {
        double step = (stop - start) / (count - 1);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = i * step + start;
        values[^1] = stop;
        return values;
    }
}
