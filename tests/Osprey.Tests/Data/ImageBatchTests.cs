using Osprey.Data;
using Osprey.Models.Detection.Detr;

namespace Osprey.Tests.Data;

public class ImageBatchTests
{
    [Fact]
    public void ImagesArePaddedAtTheBottomRightWithZerosAndMaskedThere()
    {
        using var scope = TensorScope.Begin();
        var a = Tensor.Full([2, 2, 3], 1.5);
        var b = Tensor.Full([2, 3, 1], -2.0);
        using var batch = ImageBatch.FromImages([a, b]);
        Assert.Equal([2L, 2, 3, 3], batch.Images.Shape);
        Assert.Equal([(2L, 3L), (3L, 1L)], batch.Sizes);
        Assert.Equal(
            [false, false, false, false, false, false, true, true, true,
             false, true, true, false, true, true, false, true, true],
            batch.Mask.ToArray<bool>());
        float[] first = [1.5f, 1.5f, 1.5f, 1.5f, 1.5f, 1.5f, 0, 0, 0];
        float[] second = [-2, 0, 0, -2, 0, 0, -2, 0, 0];
        Assert.Equal([.. first, .. first, .. second, .. second], batch.Images.ToArray<float>());
    }

    [Fact]
    public void GradientsFlowBackToTheImagesThroughThePadding()
    {
        using var scope = TensorScope.Begin();
        var image = Tensor.Ones([1, 2, 2]);
        image.RequiresGrad = true;
        using var batch = ImageBatch.FromImages([image, Tensor.Zeros([1, 3, 3])]);
        Assert.True(batch.Images.RequiresGrad);
        (batch.Images * Tensor.Arange(0.0, 18.0).View(2, 1, 3, 3)).Sum().Backward();
        Assert.Equal([0f, 1, 3, 4], image.Grad!.ToArray<float>());
    }

    [Fact]
    public void FromTensorMasksNothing()
    {
        using var scope = TensorScope.Begin();
        using var batch = ImageBatch.FromTensor(Tensor.Randn([2, 3, 4, 5]));
        Assert.Equal([2L, 4, 5], batch.Mask.Shape);
        Assert.False(batch.Mask.Any().Item<bool>());
        Assert.Equal([(4L, 5L), (4L, 5L)], batch.Sizes);
    }

    [Fact]
    public void MismatchedOrEmptyImagesAreRejectedByIndex()
    {
        using var scope = TensorScope.Begin();
        var channels = Assert.Throws<ArgumentException>(() => ImageBatch.FromImages([Tensor.Zeros([3, 4, 4]), Tensor.Zeros([1, 4, 4])]));
        Assert.Contains("image 1", channels.Message);
        var rank = Assert.Throws<ArgumentException>(() => ImageBatch.FromImages([Tensor.Zeros([4, 4])]));
        Assert.Contains("image 0 must be (C, H, W)", rank.Message);
        var empty = Assert.Throws<ArgumentException>(() => ImageBatch.FromImages([Tensor.Zeros([3, 0, 4])]));
        Assert.Contains("empty", empty.Message);
        Assert.Throws<ArgumentException>(() => ImageBatch.FromImages([]));
    }
}
