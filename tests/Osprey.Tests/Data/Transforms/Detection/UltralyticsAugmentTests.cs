using Osprey.Data;
using Osprey.Data.Transforms.Detection;

namespace Osprey.Tests.Data.Transforms.Detection;

/// <summary>Against ultralytics' own transforms run on the same inputs and draws (tools/reference/yolo_augment_reference.py).</summary>
public class UltralyticsAugmentTests
{
    static Fixture Load() => Fixture.Load("detection/yolo_augment");

    /// <summary>Pixels from OpenCV's fixed-point bilinear (1/32-pixel positions, 15-bit weights) against exact sampling:
    /// measured here letterbox <= 1 level, perspective <= 5 levels on < 1% of values (at sharp edges).</summary>
    static void ImagesClose(Tensor expected, Tensor actual, string what, int maxDiff = 2, double maxFractionOver1 = 0.0)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray<byte>();
        var a = actual.ToArray<byte>();
        int worst = 0, over1 = 0;
        for (int i = 0; i < e.Length; i++)
        {
            int d = Math.Abs(e[i] - a[i]);
            worst = Math.Max(worst, d);
            if (d > 1) over1++;
        }
        Assert.True(worst <= maxDiff, $"{what}: a pixel differs by {worst} levels (allowed {maxDiff})");
        Assert.True(over1 <= maxFractionOver1 * e.Length, $"{what}: {over1} of {e.Length} values differ by more than 1");
    }

    [Fact]
    public void LetterBoxEqualsUltralytics()
    {
        using var scope = TensorScope.Begin();
        var f = Load();
        for (int i = 0; i < 3; i++)
        {
            var p = f.Metadata[$"letterbox{i}"].Split(',').Select(int.Parse).ToArray();
            var box = new LetterBox(p[0], p[1]) { ScaleUp = p[2] == 1 };
            var s = new Sample(f[$"letterbox{i}.image"]) { Boxes = f[$"letterbox{i}.boxes"], BoxLabels = Tensor.From(new long[] { 0, 1, 2 }) };
            var result = box.Apply(s);
            Expect.Close(f[$"letterbox{i}.out_boxes"], result.Boxes!, rtol: 0, atol: 1e-4, $"letterbox {i} boxes");
            ImagesClose(f[$"letterbox{i}.out_image"], result.Image, $"letterbox {i} image");
            // The padding is exactly ultralytics': rows/columns of 114 on the same sides.
            var expected = f[$"letterbox{i}.out_image"].ToArray<byte>();
            var actual = result.Image.ToArray<byte>();
            for (int k = 0; k < expected.Length; k++)
                Assert.True((expected[k] == 114) == (actual[k] == 114) || Math.Abs(expected[k] - actual[k]) <= 2, $"letterbox {i}: pad differs at {k}");
        }
    }

    [Fact]
    public void LetterBoxMapsPredictionsBack()
    {
        var g = new LetterBox(64).GeometryFor(53, 37);
        var boxes = new float[] { 2, 3, 20, 30 };
        var there = new[] { (float)(2 * g.RatioX + g.PadLeft), (float)(3 * g.RatioY + g.PadTop), (float)(20 * g.RatioX + g.PadLeft), (float)(30 * g.RatioY + g.PadTop) };
        var back = LetterBox.ToOriginal(there, g, 53, 37);
        for (int i = 0; i < 4; i++) Assert.Equal(boxes[i], back[i], 3);
    }

    [Fact]
    public void RandomPerspectiveMatrixBoxesAndCandidatesEqualUltralytics()
    {
        using var scope = TensorScope.Begin();
        var f = Load();
        for (int i = 0; i < 4; i++)
        {
            var p = f.Metadata[$"perspective{i}"].Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var rp = new RandomPerspective { Degrees = p[0], Translate = p[1], Scale = p[2], Shear = p[3], Perspective = p[4] };
            int borderY = (int)p[5], borderX = (int)p[6];
            var image = f[$"perspective{i}.image"];
            int h = (int)image.Size(1), w = (int)image.Size(2);
            var draws = f[$"perspective{i}.draws"].ToArray<double>();
            var m = RandomPerspective.Matrix(w, h, w + 2 * borderX, h + 2 * borderY, draws);
            var expectedM = f[$"perspective{i}.matrix"].ToArray<double>();
            for (int k = 0; k < 9; k++)
                Assert.True(Math.Abs(expectedM[k] - m[k]) <= 1e-6 * Math.Max(1, Math.Abs(expectedM[k])), $"case {i}: M[{k}] {m[k]} vs {expectedM[k]}");

            var s = new Sample(image) { Boxes = f[$"perspective{i}.boxes"], BoxLabels = Tensor.From(new long[] { 0, 1, 2, 3, 4 }) };
            var result = rp.Apply(s, draws, borderY, borderX);
            Assert.Equal(f[$"perspective{i}.out_classes"].ToArray<long>(), result.BoxLabels!.ToArray<long>());
            Expect.Close(f[$"perspective{i}.out_boxes"], result.Boxes!, rtol: 0, atol: 1e-3, $"perspective {i} boxes");
            ImagesClose(f[$"perspective{i}.out_image"], result.Image, $"perspective {i} image", maxDiff: 6, maxFractionOver1: 0.01);
        }
    }

    [Fact]
    public void HsvEqualsUltralyticsExactly()
    {
        using var scope = TensorScope.Begin();
        var f = Load();
        for (int i = 0; i < 3; i++)
        {
            var result = RandomHsv.WithGains(f["hsv.image"], f[$"hsv{i}.gains"].ToArray<double>());
            Expect.Close(f[$"hsv{i}.out_image"].To(DType.Int32), result.To(DType.Int32), rtol: 0, atol: 0, $"hsv {i}");
        }
    }

    [Fact]
    public void MosaicEqualsUltralyticsExactly()
    {
        using var scope = TensorScope.Begin();
        var f = Load();
        var tiles = Enumerable.Range(0, 4).Select(k => new Sample(f[$"mosaic.tile{k}"])
        {
            Boxes = f[$"mosaic.tile{k}.boxes"],
            BoxLabels = Tensor.Full([f[$"mosaic.tile{k}.boxes"].Size(0)], k, DType.Int64),
        }).ToArray();
        for (int i = 0; i < 2; i++)
        {
            var centre = f[$"mosaic{i}.centre"].ToArray<double>();
            var result = Mosaic.Apply(tiles, 32, xc: (int)centre[1], yc: (int)centre[0]);
            Expect.Close(f[$"mosaic{i}.out_image"].To(DType.Int32), result.Image.To(DType.Int32), rtol: 0, atol: 0, $"mosaic {i} image");
            Expect.Close(f[$"mosaic{i}.out_boxes"], result.Boxes!, rtol: 0, atol: 0, $"mosaic {i} boxes");
            Assert.Equal(f[$"mosaic{i}.out_classes"].ToArray<long>(), result.BoxLabels!.ToArray<long>());
        }
    }
}
