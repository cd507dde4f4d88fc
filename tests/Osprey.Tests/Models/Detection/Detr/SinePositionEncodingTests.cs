using Osprey.Models.Detection.Detr;

namespace Osprey.Tests.Models.Detection.Detr;

/// <summary>Hand-computed values of the normalized sine encoding, including a padded column.</summary>
public class SinePositionEncodingTests
{
    [Fact]
    public void PositionsAreCountedOverTheValidAreaAndNormalizedToTwoPi()
    {
        using var scope = TensorScope.Begin();
        // One image, 2 x 3, last column padding: valid size 2 x 2.
        var mask = Tensor.From(new[] { 0f, 0, 1, 0, 0, 1 }, 1, 2, 3).To(DType.Bool);
        using var encoding = new SinePositionEncoding(featuresPerAxis: 4, temperature: 100);
        var pos = encoding.Call(mask);
        Assert.Equal([1L, 8, 2, 3], pos.Shape);
        const double eps = 1e-6;
        double Norm(double count, double total) => count / (total + eps) * 2 * Math.PI;
        // Frequencies: 100^(0/4), 100^(0/4), 100^(2/4), 100^(2/4) = 1, 1, 10, 10.
        double[] frequency = [1, 1, 10, 10];
        var actual = pos.ToArray<float>();
        for (int row = 0; row < 2; row++)
            for (int col = 0; col < 3; col++)
            {
                // In the padding column no valid pixel is counted down the rows (y = 0), and across the row the
                // count stays at the last valid one.
                double y = col < 2 ? Norm(row + 1, 2) : 0, x = Norm(Math.Min(col + 1, 2), 2);
                for (int k = 0; k < 4; k++)
                {
                    double Feature(double v) => k % 2 == 0 ? Math.Sin(v / frequency[k]) : Math.Cos(v / frequency[k]);
                    Assert.Equal(Feature(y), actual[(k * 2 + row) * 3 + col], tolerance: 1e-5);
                    Assert.Equal(Feature(x), actual[((4 + k) * 2 + row) * 3 + col], tolerance: 1e-5);
                }
            }
    }

    [Fact]
    public void OddFeatureCountsAndNonBoolMasksAreRejected()
    {
        using var scope = TensorScope.Begin();
        Assert.Throws<ArgumentException>(() => new SinePositionEncoding(featuresPerAxis: 3));
        using var encoding = new SinePositionEncoding();
        var error = Assert.Throws<ArgumentException>(() => encoding.Call(Tensor.Zeros([1, 2, 2])));
        Assert.Contains("bool (N, H, W)", error.Message);
    }
}
