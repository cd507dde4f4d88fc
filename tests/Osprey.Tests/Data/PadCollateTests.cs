using Osprey.Data;

namespace Osprey.Tests.Data;

public class PadCollateTests
{
    [Fact]
    public void ImagesOfDifferentSizesArePaddedWithTheirMaskSizesAndOriginalSizes()
    {
        using var scope = TensorScope.Begin();
        var a = new Sample(Tensor.Full([3, 2, 5], 1.0)) { OriginalSize = (20, 50), Boxes = Tensor.From(new float[] { 0, 0, 1, 1 }, 1, 4), BoxLabels = Tensor.From(new long[] { 4 }) };
        var b = new Sample(Tensor.Full([3, 4, 3], 2.0)) { OriginalSize = (40, 30), Boxes = Tensor.Zeros([0, 4]), BoxLabels = Tensor.Zeros([0], DType.Int64) };
        using var batch = PadCollate.Instance.Collate(0, [7, 9], [a, b]);
        Assert.Equal([2L, 3, 4, 5], batch.Images.Shape);
        Assert.Equal([(2L, 5L), (4L, 3L)], batch.Input.Sizes);
        Assert.Equal([(20L, 50L), (40L, 30L)], batch.Input.OriginalSizes);
        Assert.Equal(2 * 5 + 4 * 3, batch.Input.Mask.LogicalNot().Sum().Item<long>());
        Assert.Equal(0.0, batch.Images[0, 0, 3, 4].Item<float>());   // padding is zero
        Assert.Equal(2.0, batch.Images[1, 2, 3, 2].Item<float>());
        Assert.Equal([1L, 0], batch.Boxes!.Select(t => t.Size(0)));   // ragged box lists stay per image
        Assert.Equal([4L], batch.BoxLabels![0].ToArray<long>());
    }

    [Fact]
    public void MasksArePaddedWithTheIgnoreIndex()
    {
        using var scope = TensorScope.Begin();
        var a = new Sample(Tensor.Zeros([1, 1, 2])) { Mask = Tensor.Full([1, 2], 3, DType.UInt8) };
        var b = new Sample(Tensor.Zeros([1, 2, 1])) { Mask = Tensor.Full([2, 1], 5, DType.UInt8) };
        using var batch = PadCollate.Instance.Collate(0, [0, 1], [a, b]);
        Assert.Equal(new byte[] { 3, 3, 255, 255, 5, 255, 5, 255 }, batch.Masks!.ToArray<byte>());
    }

    [Fact]
    public void StackingRefusesImagesOfDifferentSizesNamingBoth()
    {
        using var scope = TensorScope.Begin();
        var a = new Sample(Tensor.Zeros([1, 2, 2])) { Source = "a.png" };
        var b = new Sample(Tensor.Zeros([1, 3, 2])) { Source = "b.png" };
        var e = Assert.Throws<InvalidOperationException>(() => StackCollate.Instance.Collate(4, [0, 1], [a, b]));
        Assert.Contains("sample 1 (b.png) has image shape [1, 3, 2], sample 0 (a.png) has [1, 2, 2]", e.Message);
    }
}
