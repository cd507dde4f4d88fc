using Osprey.Data;
using Osprey.Data.Transforms.Detr;
using Osprey.Torch.Tests;

namespace Osprey.Tests.Data.Transforms.Detr;

/// <summary>
/// DETR's augmentation against tools/reference/detr_transforms_reference.py, which runs facebookresearch/detr's
/// datasets/transforms.py composed as make_coco_transforms (sizes scaled down) on PIL images, recording its random
/// draws; the draws are replayed here, so both make the same choices. Images within 1e-5 (after ToFloat and the
/// ImageNet normalization), boxes and labels exactly; every draw consumed.
/// </summary>
public class DetrTransformsTests
{
    static readonly DetrTransformSizes Small = new()
    {
        Scales = [40, 48, 56, 64], MaxSize = 90, CropResizeSizes = [44, 52, 60], CropMin = 32, CropMax = 48, ValSize = 56,
    };

    public static TheoryData<int> Cases => new(Enumerable.Range(0, 9));

    [Theory]
    [MemberData(nameof(Cases))]
    public void EqualsTheOfficialTransformsWithTheSameDraws(int index)
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("detr_transforms");
        string c = $"case{index}.";
        var draws = new ReplayRandom(f[c + "draws"].ToArray<double>());
        bool train = f[c + "draws"].Size(0) > 1; // validation draws only its one-size choice
        var sample = new Sample(f[c + "image"]) { Boxes = f[c + "boxes"], BoxLabels = f[c + "labels"] };

        var result = (train ? DetrTransforms.Train(Small) : DetrTransforms.Val(Small)).Apply(sample, draws);

        Assert.True(draws.Exhausted, "the transforms drew fewer times than the official ones");
        Expect.Close(f[c + "out.image"], result.Image, 0, 1e-5, "image");
        Assert.Equal(f[c + "out.labels"].ToArray<long>(), result.BoxLabels!.ToArray<long>());
        var boxes = DetrBoxes.NormalizedCxCyWh(result);
        Assert.Equal(f[c + "out.boxes"].Shape, boxes.Shape);
        Assert.Equal(f[c + "out.boxes"].ToArray<float>(), boxes.ToArray<float>());
    }

    [Fact]
    public void TheCasesCoverFlipsBothBranchesAndACropThatRemovesBoxes()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("detr_transforms");
        var train = Enumerable.Range(0, 9).Where(i => f[$"case{i}.draws"].Size(0) > 1).ToList();
        bool Flipped(int i) => f[$"case{i}.draws"][0, 1].Item<double>() < 0.5;
        bool Cropped(int i) => f[$"case{i}.draws"][1, 1].Item<double>() >= 0.5;
        bool Removed(int i) => f[$"case{i}.out.labels"].Size(0) < f[$"case{i}.labels"].Size(0);
        Assert.Contains(train, Flipped);
        Assert.Contains(train, i => !Flipped(i));
        Assert.Contains(train, i => !Cropped(i));
        Assert.Contains(train, i => Cropped(i) && Removed(i));
        Assert.Contains(train, i => Cropped(i) && !Removed(i));
    }

    [Fact]
    public void OutputSizesEqualTheOfficialAtCocoScale()
    {
        using var scope = TensorScope.Begin();
        var rows = Fixture.Load("detr_transforms")["sizes"];
        var values = rows.ToArray<long>();
        for (int r = 0; r < rows.Size(0); r++)
        {
            long w = values[6 * r], h = values[6 * r + 1], size = values[6 * r + 2], max = values[6 * r + 3];
            var expected = (values[6 * r + 4], values[6 * r + 5]);
            Assert.Equal(expected, DetrGeometry.SizeWithAspectRatio(h, w, size, max == 0 ? null : max));
        }
    }

    [Fact]
    public void ACropSmallerThanTheImageAllowsIsANamedError()
    {
        using var scope = TensorScope.Begin();
        var sample = new Sample(Tensor.Zeros([3, 20, 30], DType.UInt8)) { Source = "tiny.jpg" };
        var error = Assert.Throws<ArgumentException>(() => new DetrRandomSizeCrop(32, 48).Apply(sample, new Random(0)));
        Assert.Contains("tiny.jpg", error.Message);
        Assert.Contains("at least 32x32 from a 20x30 image", error.Message);
    }

    [Fact]
    public void FloatImagesAreRejectedBeforeResizing()
    {
        using var scope = TensorScope.Begin();
        var sample = new Sample(Tensor.Zeros([3, 20, 30])) { Source = "a.png" };
        var error = Assert.Throws<ArgumentException>(() => DetrGeometry.Resize(sample, 10, 15));
        Assert.Contains("uint8", error.Message);
        Assert.Contains("a.png", error.Message);
    }
}
