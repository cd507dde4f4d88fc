using Osprey.Torch;

namespace Osprey.Data.Transforms;

/// <summary>
/// The UNet paper's elastic deformation: random displacement vectors on a coarse <paramref name="grid"/> x grid
/// (3 x 3), each component drawn from a Gaussian with <paramref name="sigma"/> pixels standard deviation (10),
/// interpolated bicubically to a per-pixel displacement; the image is resampled bilinearly and the mask by nearest
/// neighbour through it, mirrored at the borders. Applied with probability <paramref name="p"/>.
/// </summary>
public sealed class ElasticDeformation(int grid = 3, double sigma = 10, double p = 1.0) : ITransform
{
    static readonly Op bicubic = new("aten::upsample_bicubic2d");

    public Sample Apply(Sample sample, Random random)
    {
        if (grid < 2) throw new ArgumentException($"elastic deformation grid {grid} must be at least 2");
        if (random.NextDouble() >= p) return sample;
        var displacements = new float[2 * grid * grid];
        for (int i = 0; i < displacements.Length; i++) displacements[i] = (float)(sigma * Gaussian(random));
        using var scope = TensorScope.Begin();
        var coarse = Tensor.From(displacements, 1, 2, grid, grid);
        var field = bicubic.Tensor(coarse, new long[] { sample.Height, sample.Width }, true, Arg.None, Arg.None).Squeeze(0).Double();
        var (x, y) = Warp.PixelGrid(sample.Height, sample.Width);
        var result = Warp.Apply(sample, x + field[0], y + field[1], WarpBorder.Mirror, [], "elastic deformation");
        return Geometry.Keep(scope, sample, result);
    }

    /// <summary>A standard normal draw (Box-Muller) from <paramref name="random"/>.</summary>
    static double Gaussian(Random random)
    {
        double u = 1.0 - random.NextDouble(), v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
