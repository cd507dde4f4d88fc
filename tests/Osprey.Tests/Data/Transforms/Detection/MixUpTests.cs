using Osprey.Data;
using Osprey.Data.Transforms.Detection;

namespace Osprey.Tests.Data.Transforms.Detection;

public class MixUpTests
{
    static Sample Flat(byte value, float x, long label) => new(Tensor.Full([3, 4, 5], value, DType.UInt8))
    {
        Boxes = Tensor.From(new[] { x, 0f, x + 2, 3f }, 1, 4),
        BoxLabels = Tensor.From(new[] { label }, 1),
    };

    [Fact]
    public void BlendsTruncatedAsNumpyAndKeepsBothBoxSets()
    {
        using var scope = TensorScope.Begin();
        var mixed = MixUp.Apply(Flat(200, 0, 3), Flat(51, 1, 7), 0.3);
        // 200 * 0.3 + 51 * 0.7 = 95.7 -> 95 (astype(np.uint8) truncates)
        Assert.All(mixed.Image.ToArray<byte>(), v => Assert.Equal(95, v));
        Assert.Equal(new float[] { 0, 0, 2, 3, 1, 0, 3, 3 }, mixed.Boxes!.ToArray<float>());
        Assert.Equal(new long[] { 3, 7 }, mixed.BoxLabels!.ToArray<long>());
        Assert.Throws<ArgumentException>(() => MixUp.Apply(Flat(1, 0, 0), new Sample(Tensor.Zeros([3, 4, 6], DType.UInt8)), 0.5));
    }

    [Fact]
    public void RatioFollowsBeta32()
    {
        var random = new Random(3);
        var draws = Enumerable.Range(0, 20000).Select(_ => MixUp.Ratio(random)).ToArray();
        double mean = draws.Average(), std = Math.Sqrt(draws.Select(d => (d - mean) * (d - mean)).Average());
        Assert.InRange(mean, 0.497, 0.503);
        Assert.InRange(std, 0.0620 - 0.002, 0.0620 + 0.002); // sqrt(ab / ((a+b)^2 (a+b+1))) = 0.0620
        Assert.All(draws, d => Assert.InRange(d, 0.0, 1.0));
    }

    [Fact]
    public void PipelineWithMixUpBringsThePartnersBoxes()
    {
        using var scope = TensorScope.Begin();
        var augment = new YoloAugment { MixUpProbability = 1.0, Scale = 0, Translate = 0, FlipLR = 0, HsvH = 0, HsvS = 0, HsvV = 0 };
        Sample Big(long label) => new(Tensor.Full([3, 64, 64], 100, DType.UInt8))
        {
            Boxes = Tensor.From(new float[] { 8, 8, 40, 40 }, 1, 4),
            BoxLabels = Tensor.From(new[] { label }, 1),
        };
        var result = augment.Apply([Big(1)], 64, new Random(2), mosaic: false, _ => [Big(2)]);
        Assert.Equal(new long[] { 1, 2 }, result.BoxLabels!.ToArray<long>());
        Assert.Equal([3L, 64, 64], result.Image.Shape);
        Assert.Throws<ArgumentException>(() => augment.Apply([Big(1)], 64, new Random(2), mosaic: false));
    }
}
