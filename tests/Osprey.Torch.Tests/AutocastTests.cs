using Osprey.Torch.NN;

namespace Osprey.Torch.Tests;

/// <summary>CPU autocast regions: which operators run in bf16, the state restored on exit (nested too), the thread rule,
/// and <see cref="Tensor.SetData"/> turning a tensor into float32 for every holder of its handle.</summary>
public class AutocastTests
{
    static Tensor Conv(Tensor x, Tensor w) => Functional.Conv2d(x, w, null, stride: 1, padding: 1);

    [Fact]
    public void ConvolutionsRunInBf16InsideTheRegionOnly()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Randn([1, 3, 8, 8]);
        var w = Tensor.Randn([4, 3, 3, 3]);
        using (Autocast.Cpu(DType.BFloat16))
        {
            var y = Conv(x, w);
            Assert.Equal(DType.BFloat16, y.DType);
            // Equal to casting the operands by hand: autocast is the cast, not another kernel.
            Expect.Close(Conv(x.To(DType.BFloat16), w.To(DType.BFloat16)).Float(), y.Float(), 0, 0);
            Assert.Equal(DType.Float32, (x + x).DType);   // outside autocast's lists: the inputs' dtype
            using (Autocast.Cpu(DType.BFloat16)) Assert.Equal(DType.BFloat16, Conv(x, w).DType);
            Assert.Equal(DType.BFloat16, Conv(x, w).DType);   // the inner region's exit restored the outer state
        }
        Assert.Equal(DType.Float32, Conv(x, w).DType);
    }

    [Fact]
    public void OnlyReducedFloatTypesAndTheEnteringThread()
    {
        Assert.Contains("bfloat16 or float16", Assert.Throws<ArgumentException>(() => Autocast.Cpu(DType.Float64)).Message);
        var region = Autocast.Cpu(DType.BFloat16);
        InvalidOperationException? error = null;
        var other = new Thread(() => error = Assert.Throws<InvalidOperationException>(region.Dispose));
        other.Start();
        other.Join();
        Assert.NotNull(error);
        Assert.Contains("thread that began it", error.Message);
        region.Dispose();
        using var scope = TensorScope.Begin();
        Assert.Equal(DType.Float32, Conv(Tensor.Randn([1, 3, 4, 4]), Tensor.Randn([2, 3, 3, 3])).DType);
    }

    [Fact]
    public void SetDataReplacesDtypeAndValuesInPlace()
    {
        using var scope = TensorScope.Begin();
        var t = Tensor.From([1.5f, -2.25f]).To(DType.BFloat16);
        var holder = t.Alias();
        t.SetData(t.Float());
        Assert.Equal(DType.Float32, holder.DType);
        Assert.Equal([1.5f, -2.25f], holder.ToArray<float>());
    }
}
