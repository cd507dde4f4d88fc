using Osprey.Visuals.Plots;

namespace Osprey.Tests.Visuals;

public class SmoothingTests
{
    [Fact]
    public void Gaussian_keeps_a_line_away_from_the_edges_and_pulls_the_edges_in()
    {
        var y = Enumerable.Range(0, 40).Select(i => 2.0 * i + 1).ToArray();
        var s = Smoothing.Gaussian(y);
        for (int i = 12; i < 28; i++) Assert.Equal(y[i], s[i], 1e-9); // symmetric 25-tap kernel fully inside
        Assert.True(s[0] > y[0] && s[^1] < y[^1]);
        Assert.All(Smoothing.Gaussian([3.0, 3, 3]), v => Assert.Equal(3.0, v, 1e-12));
    }

    [Fact]
    public void Gaussian_weights_are_scipy_sigma_three_truncated_at_twelve()
    {
        // An impulse far from the edges spreads into the normalized kernel exp(-k^2/18), |k| <= 12.
        var y = new double[101];
        y[50] = 1;
        var s = Smoothing.Gaussian(y);
        double total = Enumerable.Range(-12, 25).Sum(k => Math.Exp(-k * k / 18.0));
        Assert.Equal(1 / total, s[50], 1e-12);
        Assert.Equal(Math.Exp(-144 / 18.0) / total, s[62], 1e-15);
        Assert.Equal(0, s[63]);
    }

    [Fact]
    public void Box_window_is_51_points_for_1000_at_five_percent()
    {
        var y = new double[1000];
        y[500] = 51;
        var s = Smoothing.Box(y, 0.05);
        Assert.Equal(1000, s.Length);
        Assert.Equal(1, s[475], 1e-12);
        Assert.Equal(1, s[525], 1e-12);
        Assert.Equal(0, s[474]);
        Assert.Equal(0, s[526]);
    }
}
