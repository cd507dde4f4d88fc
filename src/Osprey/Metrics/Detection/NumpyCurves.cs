namespace Osprey.Metrics.Detection;

/// <summary>The numpy routines ultralytics' AP is built from, with numpy's conventions.</summary>
internal static class NumpyCurves
{
    /// <summary>numpy.linspace(start, stop, count) with endpoint.</summary>
    public static double[] Linspace(double start, double stop, int count)
    {
        double step = (stop - start) / (count - 1);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = i * step + start;
        values[^1] = stop;
        return values;
    }

    /// <summary>
    /// numpy.interp(x, xp, fp, left, right) for non-decreasing <paramref name="xp"/>: at a repeated xp the last of
    /// its values applies (numpy takes the last index j with xp[j] &lt;= x).
    /// </summary>
    public static double[] Interp(double[] x, double[] xp, double[] fp, double? left = null, double? right = null)
    {
        int n = xp.Length;
        if (n == 0) throw new ArgumentException("interp: xp is empty");
        double l = left ?? fp[0], r = right ?? fp[^1];
        var result = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            if (v > xp[n - 1]) result[i] = r;
            else if (v < xp[0]) result[i] = l;
            else
            {
                int j = LastAtMost(xp, v);
                if (j == n - 1 || v == xp[j]) result[i] = fp[j];
                else
                {
                    double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
                    double y = slope * (v - xp[j]) + fp[j];
                    if (double.IsNaN(y))
                    {
                        y = slope * (v - xp[j + 1]) + fp[j + 1];
                        if (double.IsNaN(y) && fp[j] == fp[j + 1]) y = fp[j];
                    }
                    result[i] = y;
                }
            }
        }
        return result;
    }

    /// <summary>numpy.trapz(y, x): the sum of (x[k+1] - x[k]) * (y[k+1] + y[k]) / 2.</summary>
    public static double Trapz(double[] y, double[] x)
    {
        double sum = 0;
        for (int k = 0; k + 1 < x.Length; k++) sum += (x[k + 1] - x[k]) * (y[k + 1] + y[k]) / 2.0;
        return sum;
    }

    /// <summary>ultralytics' smooth(y, f): a box filter of round(len * f * 2) // 2 + 1 points, ends padded with the
    /// end values (numpy.convolve, mode "valid").</summary>
    public static double[] Smooth(double[] y, double fraction)
    {
        int width = (int)Math.Round(y.Length * fraction * 2, MidpointRounding.ToEven) / 2 + 1;
        int half = width / 2;
        var padded = new double[y.Length + 2 * half];
        for (int i = 0; i < padded.Length; i++) padded[i] = y[Math.Clamp(i - half, 0, y.Length - 1)];
        double weight = 1.0 / width;
        var result = new double[padded.Length - width + 1];
        for (int i = 0; i < result.Length; i++)
        {
            double sum = 0;
            for (int k = 0; k < width; k++) sum += padded[i + k] * weight;
            result[i] = sum;
        }
        return result;
    }

    /// <summary>numpy.argmax: the first index of the largest value.</summary>
    public static int ArgMax(double[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>The last index j with values[j] &lt;= key, for values[0] &lt;= key.</summary>
    static int LastAtMost(double[] values, double key)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (key >= values[mid]) lo = mid + 1;
            else hi = mid;
        }
        return lo - 1;
    }
}
