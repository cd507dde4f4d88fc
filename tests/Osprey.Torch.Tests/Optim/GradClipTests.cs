using Osprey.Torch.Optim;

namespace Osprey.Torch.Tests.Optim;

/// <summary>ClipGradNorm against torch.nn.utils.clip_grad_norm_ (golden_optim.py clipping()).</summary>
public class GradClipTests
{
    [Theory]
    [InlineData("l2_clipped", 1.0, 2.0)]
    [InlineData("l2_unclipped", 100.0, 2.0)]
    [InlineData("inf", 0.5, double.PositiveInfinity)]
    [InlineData("l1", 3.0, 1.0)]
    [InlineData("l3", 2.0, 3.0)]
    public void MatchesPyTorch(string name, double maxNorm, double normType)
    {
        using var scope = TensorScope.Begin();
        var fixture = Fixture.Load("optim/clip");
        var parameters = Enumerable.Range(0, 3).Select(i =>
        {
            var p = fixture[$"grad{i}"].Clone().RequiresGrad_();
            p.Grad = fixture[$"grad{i}"].Clone();
            return p;
        }).ToList();
        var noGrad = Tensor.Ones([4]).RequiresGrad_();
        parameters.Insert(1, noGrad);

        var total = GradClip.ClipGradNorm(parameters, maxNorm, normType);

        Assert.Equal(fixture[$"{name}.total"].Item<float>(), (float)total);
        int k = 0;
        foreach (var p in parameters.Where(p => !ReferenceEquals(p, noGrad)))
        {
            var want = fixture[$"{name}.grad{k}"];
            Assert.Equal(want.ToArray<float>(), p.Grad!.ToArray<float>());
            k++;
        }
        Assert.Null(noGrad.Grad);
    }

    [Fact]
    public void ReturnsZeroWithoutGradientsAndRejectsNonFiniteNormsWhenAsked()
    {
        using var scope = TensorScope.Begin();
        var p = Tensor.Ones([3]).RequiresGrad_();
        Assert.Equal(0.0, GradClip.ClipGradNorm([p], 1.0));
        p.Grad = Tensor.From(new[] { 1f, float.NaN, 2f });
        var error = Assert.Throws<TorchException>(() => GradClip.ClipGradNorm([p], 1.0, errorIfNonfinite: true));
        Assert.Contains("NaN", error.Message);
    }
}
