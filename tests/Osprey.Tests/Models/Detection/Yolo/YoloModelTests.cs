using Osprey.Models;
using Osprey.Models.Detection;
using Osprey.Models.Detection.Yolo;
using Osprey.Torch.NN;

namespace Osprey.Tests.Models.Detection.Yolo;

/// <summary>
/// Every registered YOLO name builds with the PyTorch reference's counts (layers = distinct module objects,
/// parameters, gradients: tools/reference/yolo_reference.py --counts); the n scale of each head runs forward in
/// both modes, backward reaches every trainable parameter, and nothing leaks.
/// </summary>
public class YoloModelTests
{
    [Theory]
    [InlineData("yolo11n", 319, 2_624_080)]
    [InlineData("yolo11s", 319, 9_458_752)]
    [InlineData("yolo11m", 409, 20_114_688)]
    [InlineData("yolo11l", 631, 25_372_160)]
    [InlineData("yolo11x", 631, 56_966_176)]
    [InlineData("yolo11n-seam", 379, 2_814_480)]
    [InlineData("yolo11s-seam", 379, 10_279_040)]
    [InlineData("yolo11m-seam", 469, 22_653_888)]
    [InlineData("yolo11l-seam", 691, 27_911_360)]
    [InlineData("yolo11x-seam", 691, 62_686_912)]
    [InlineData("yolo11n-multiseam", 553, 5_507_808)]
    [InlineData("yolo11s-multiseam", 553, 15_523_904)]
    [InlineData("yolo11m-multiseam", 643, 40_447_488)]
    [InlineData("yolo11l-multiseam", 865, 45_704_960)]
    [InlineData("yolo11x-multiseam", 865, 102_694_432)]
    public void EveryRegisteredNameBuildsWithTheReferenceCounts(string name, long layers, long parameters)
    {
        var entry = ModelRegistry.Get(name);
        Assert.Equal(ModelTask.Detect, entry.Task);
        using var model = (YoloModel)entry.Build(new ModelArgs());
        Assert.Equal(layers, model.Modules().LongCount());
        Assert.Equal(parameters, model.Parameters().Sum(p => p.NumEl));
        Assert.Equal(parameters - 16, model.Parameters().Where(p => p.RequiresGrad).Sum(p => p.NumEl)); // the DFL conv is frozen
        Assert.Equal([8.0, 16, 32], model.Head.Strides);
    }

    [Theory]
    [InlineData("yolo11n", 64)]
    [InlineData("yolo11n-seam", 64)]
    [InlineData("yolo11n-multiseam", 224)]
    public void ForwardBackwardWithoutLeaks(string name, long size)
    {
        using var model = (YoloModel)ModelRegistry.Create(name, new ModelArgs(NumClasses: 5));
        var before = Tensor.LiveCount;
        using (var scope = TensorScope.Begin())
        {
            var input = Tensor.Rand([2, 3, size, size]);
            using var train = model.Call(input);
            Assert.Null(train.Boxes);
            long[] sides = [size / 8, size / 16, size / 32];
            for (var i = 0; i < 3; i++) Assert.Equal([2L, 64 + 5, sides[i], sides[i]], train.RawMaps[i].Shape);
            train.RawMaps.Select(m => m.Square().Mean()).Aggregate((a, b) => a + b).Backward();
            foreach (var (key, p) in model.NamedParameters())
            {
                if (!p.RequiresGrad) { Assert.EndsWith("dfl.conv.weight", key); continue; }
                Assert.True(p.Grad is { } g && g.Abs().Sum().Item<float>() > 0, $"{name}: no gradient reached {key}");
            }
            model.ZeroGrad();

            model.Eval();
            using (Autograd.NoGrad())
            {
                using var eval = model.Call(input);
                var anchors = sides.Sum(s => s * s);
                Assert.Equal([2L, 4, anchors], eval.Boxes!.Shape);
                Assert.Equal([2L, 5, anchors], eval.Scores!.Shape);
                Assert.True(eval.Scores.Min().Item<float>() >= 0 && eval.Scores.Max().Item<float>() <= 1);
                Assert.True(eval.Boxes[TensorIndex.All, 2..4].Min().Item<float>() > 0, "widths and heights are positive");
            }
            model.Train();
        }
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void MultiSeamRejectsInputsBelow224WithAClearError()
    {
        using var model = (YoloModel)ModelRegistry.Create("yolo11n-multiseam");
        model.Eval();
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        var error = Assert.Throws<ArgumentException>(() => model.Call(Tensor.Zeros([1, 3, 192, 192])));
        Assert.Equal("Detect_MultiSEAM: level 2 is 6x6, smaller than MultiSEAM's largest patch (7x7): the input must be at least 224 pixels on each side (stride 32)",
                     error.Message);
        using var ok = model.Call(Tensor.Zeros([1, 3, 224, 224]));
        Assert.Equal([1L, 4, 28 * 28 + 14 * 14 + 7 * 7], ok.Boxes!.Shape);
    }

    [Fact]
    public void InputsMustBeMultiplesOfTheLargestStride()
    {
        using var model = (YoloModel)ModelRegistry.Create("yolo11n");
        using var scope = TensorScope.Begin();
        var error = Assert.Throws<ArgumentException>(() => model.Call(Tensor.Zeros([1, 3, 100, 96])));
        Assert.Equal("yolo11n: input height and width must be multiples of 32, got 100x96", error.Message);
    }

    [Fact]
    public void StateDictKeysAreUltralytics()
    {
        using var model = (YoloModel)ModelRegistry.Create("yolo11n-multiseam");
        var keys = model.StateDictKeys();
        Assert.Equal("model.0.conv.weight", keys[0]);
        Assert.Contains("model.23.cv2.0.1.DCovN0.3.0.fn.0.weight", keys);
        Assert.Contains("model.10.m.0.attn.qkv.bn.running_var", keys);
        Assert.Contains("model.8.m.0.m.1.cv2.conv.weight", keys);
        Assert.Contains("model.23.dfl.conv.weight", keys);
        Assert.DoesNotContain(keys, k => k.Contains(".act.")); // activations have no state
    }

    [Fact]
    public void AllConvBlocksShareOneActivationObject()
    {
        using var model = (YoloModel)ModelRegistry.Create("yolo11n");
        var activations = model.Modules().OfType<Osprey.Models.Layers.ConvBnAct>()
            .Select(c => c.NamedChildren().Single(ch => ch.Name == "act").Module).Where(m => m is SiLU).Distinct().Count();
        Assert.Equal(1, activations);
    }
}
