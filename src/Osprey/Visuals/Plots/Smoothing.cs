namespace Osprey.Visuals.Plots;

/// <summary>The smoothers of ultralytics' plots: a Gaussian filter for results.png (scipy's gaussian_filter1d, sigma 3,
/// truncated at 4 sigma, 'reflect' edges) and a box filter for the metric-confidence curves.</summary>
public static class Smoothing
{
    public static double[] Gaussian(IReadOnlyList<double> y, double sigma = 3, double truncate = 4)
    {
        int n = y.Count;
        if (n == 0) return [];
        int radius = (int)(truncate * sigma + 0.5);
        var weights = new double[2 * radius + 1];
        for (int k = -radius; k <= radius; k++) weights[k + radius] = Math.Exp(-0.5 * k * k / (sigma * sigma));
        double total = weights.Sum();
        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int k = -radius; k <= radius; k++) sum += weights[k + radius] * y[Reflect(i + k, n)];
            result[i] = sum / total;
        }
        return result;
    }

    /// <summary>A centred moving average over round(2 n fraction) / 2 + 1 points (made odd, so the output keeps the
    /// input's length), the ends padded with the first and last values.</summary>
    public static double[] Box(IReadOnlyList<double> y, double fraction = 0.05)
    {
        int n = y.Count;
        if (n == 0) return [];
        int window = (int)Math.Round(n * fraction * 2, MidpointRounding.ToEven) / 2 + 1;
        if (window % 2 == 0) window++;
        int half = window / 2;
        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int k = i - half; k <= i + half; k++) sum += y[Math.Clamp(k, 0, n - 1)];
            result[i] = sum / window;
        }
        return result;
    }

    // 'reflect' mode: (d c b a | a b c d | d c b a), repeated for offsets beyond one length.
    static int Reflect(int i, int n)
    {
        int period = 2 * n;
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - 1 - i;
    }
}
