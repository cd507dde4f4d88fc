using System.Numerics;
using Osprey.Torch.Serialization;
using static Osprey.Torch.Tests.Serialization.CheckpointFiles;

namespace Osprey.Torch.Tests.Serialization;

/// <summary>Plain Python values saved by torch.save in pickle protocols 2, 4 and 5 (write_checkpoints.py: plain_values).</summary>
public class UnpicklerValuesTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(5)]
    public void EveryValueKindDecodesAsPythonWrote(int protocol)
    {
        using var scope = TensorScope.Begin();
        var d = Assert.IsType<PickleDict>(TorchLoad.Load(Fixture($"values_p{protocol}.pt")));
        Assert.Equal(5L, d["small"]);
        Assert.Equal(-7L, d["neg"]);
        Assert.Equal(40000L, d["int16"]);
        Assert.Equal(-(1L << 31), d["int32"]);
        Assert.Equal(1L << 40, d["int64"]);
        Assert.Equal(long.MinValue, d["min64"]);
        Assert.Equal(BigInteger.Pow(2, 80), d["huge"]);
        Assert.Equal(-BigInteger.Pow(2, 70), d["neghuge"]);
        Assert.Equal(1.5, d["float"]);
        Assert.True(double.IsNaN((double)d["nan"]!));
        Assert.Equal("h\u00e9llo \u2713", d["str"]);
        Assert.Equal("", d["empty"]);
        Assert.Equal(new byte[] { 0, 1, 255 }, d["bytes"]);
        Assert.Equal("ab"u8.ToArray(), d["bytearray"]);
        var tuple = Assert.IsType<object?[]>(d["tuple"]);
        Assert.Equal(1L, tuple[0]);
        Assert.Equal(new object?[] { 2L, 3L }, tuple[1]);
        Assert.Empty(Assert.IsType<object?[]>(tuple[2]));
        Assert.Equal(new object?[] { null, true, false }, d["list"]);
        Assert.True(Assert.IsType<HashSet<object?>>(d["set"]).SetEquals(new object?[] { 1L, 2L }));
        Assert.True(Assert.IsType<HashSet<object?>>(d["frozenset"]).SetEquals(new object?[] { "x" }));
        Assert.Equal("tuple key", d[new object?[] { 1L, "k" }]);
        Assert.Equal("int key", d[7L]);
        var ordered = Assert.IsType<PickleDict>(d["ordered"]);
        Assert.Equal(new object[] { "b", "a" }, ordered.Keys);
        var shared = Assert.IsType<List<object?>>(d["shared"]);
        Assert.Same(shared[0], shared[1]);  // the memo keeps identity
        Assert.Equal(new long[] { 2, 3 }, d["size"]);
        var device = Assert.IsType<PickledObject>(d["device"]);
        Assert.Equal("torch.device", device.Type.FullName);
        Assert.Equal(new object?[] { "cpu" }, device.Args);
        Assert.Equal(new PickledGlobal("torch", "float16"), d["dtype"]);
        var tensor = Assert.IsType<Tensor>(d["tensor"]);
        Assert.Equal(DType.Int32, tensor.DType);
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5 }, tensor.Flatten().ToArray<int>());
    }

    [Fact]
    public void DepthLimitIsConfigurable()
    {
        using var scope = TensorScope.Begin();
        // values_p2 nests 3 levels (dict > tuple > tuple): a limit of 2 refuses it, by name.
        var e = Assert.Throws<TorchException>(() => TorchLoad.Load(Fixture("values_p2.pt"), new PickleLimits { MaxDepth = 2 }));
        Assert.Contains("nest deeper than 2 levels", e.Message);
        Assert.Contains("values_p2.pt", e.Message);
    }
}
