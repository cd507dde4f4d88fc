namespace Osprey.Torch.Tests;

public class ScopeTests
{
    [Fact]
    public void ScopeDisposesEverythingButKeptTensors()
    {
        long before = Tensor.LiveCount, nativeBefore = Tensor.NativeLiveCount;
        Tensor kept;
        using (var scope = TensorScope.Begin())
        {
            var a = Tensor.Ones([4]);
            var b = a * 3 + 1;
            kept = scope.Keep(b.Sum());
            Assert.Equal(before + 4, Tensor.LiveCount);
        }
        Assert.Equal(before + 1, Tensor.LiveCount);
        Assert.Equal(nativeBefore + 1, Tensor.NativeLiveCount);
        Assert.Equal(16f, kept.Item<float>());
        kept.Dispose();
        Assert.Equal(before, Tensor.LiveCount);
        Assert.Equal(nativeBefore, Tensor.NativeLiveCount);
    }

    [Fact]
    public void KeepMovesToTheEnclosingScope()
    {
        long before = Tensor.LiveCount;
        using (var outer = TensorScope.Begin())
        {
            Tensor y;
            using (var inner = TensorScope.Begin())
            {
                y = inner.Keep(Tensor.Ones([2]) * 2);
            }
            Assert.False(y.IsDisposed);
            Assert.Equal(1, outer.Count);
        }
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void DetachedTensorsOutliveTheScope()
    {
        Tensor owned;
        using (TensorScope.Begin()) owned = Tensor.Zeros([3]).DetachFromScope();
        Assert.False(owned.IsDisposed);
        owned.Dispose();
    }

    [Fact]
    public void ScopesMustCloseInnermostFirst()
    {
        var outer = TensorScope.Begin();
        var inner = TensorScope.Begin();
        Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        inner.Dispose();
        outer.Dispose();
        Assert.Null(TensorScope.Current);
    }

    [Fact]
    public void InPlaceOpsReturnSelfWithoutNewHandles()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Ones([3]);
        long live = Tensor.LiveCount, native = Tensor.NativeLiveCount;
        var y = x.AddInPlace(1).MulInPlace(2.5);
        Assert.Same(x, y);
        Assert.Equal(live, Tensor.LiveCount);
        Assert.Equal(native, Tensor.NativeLiveCount);
        Assert.Equal(new float[] { 5, 5, 5 }, x.ToArray<float>());
    }
}
