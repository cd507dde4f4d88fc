using Osprey.Torch.NN;

namespace Osprey.Torch.Tests.NN;

/// <summary>Channels-last layout: the strides PyTorch gives (x.contiguous(memory_format=torch.channels_last).stride()
/// of a 2x3x4x5 tensor is (60, 1, 15, 3)), the same values, and a module's conv weights converted in place.</summary>
public class MemoryFormatTests
{
    [Fact]
    public void ChannelsLastHasPyTorchStridesAndTheSameValues()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Arange(120).Reshape(2, 3, 4, 5).Float();
        var nhwc = x.Contiguous(MemoryFormat.ChannelsLast);
        Assert.Equal([60L, 1, 15, 3], nhwc.Strides);
        Assert.Equal((true, false), (nhwc.IsContiguous(MemoryFormat.ChannelsLast), nhwc.IsContiguous(MemoryFormat.Contiguous)));
        Assert.Equal((false, true), (x.IsContiguous(MemoryFormat.ChannelsLast), x.IsContiguous(MemoryFormat.Contiguous)));
        Assert.Equal(x.ToArray<float>(), nhwc.ToArray<float>());
        Assert.False(Tensor.Zeros([3, 4]).IsContiguous(MemoryFormat.ChannelsLast));
    }

    [Fact]
    public void ModuleToChannelsLastConvertsFourDimensionalTensorsOnly()
    {
        using var conv = new Conv2d(3, 8, 3, padding: 1);
        using var scope = TensorScope.Begin();
        var input = Tensor.Randn([2, 3, 6, 6]);
        var expected = conv.Call(input);
        conv.To(MemoryFormat.ChannelsLast);
        Assert.True(conv.Weight.IsContiguous(MemoryFormat.ChannelsLast));
        Assert.True(conv.Weight.RequiresGrad);
        Assert.Equal([8L], conv.Bias!.Shape);
        var actual = conv.Call(input);
        Assert.True(actual.IsContiguous(MemoryFormat.ChannelsLast), "a channels-last weight gives a channels-last output");
        Expect.Close(expected, actual, 1e-5, 1e-6, "channels-last conv");
    }
}
