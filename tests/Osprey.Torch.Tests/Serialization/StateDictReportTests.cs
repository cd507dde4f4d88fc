using Osprey.Torch.Serialization;

namespace Osprey.Torch.Tests.Serialization;

public class StateDictReportTests
{
    [Fact]
    public void ListsMissingUnexpectedAndMisShapedKeysSorted()
    {
        using var scope = TensorScope.Begin();
        var expected = new Dictionary<string, long[]>
        {
            ["conv.weight"] = [8, 3, 3, 3], ["fc.weight"] = [10, 8], ["fc.bias"] = [10], ["bn.bias"] = [8], ["bn.weight"] = [8],
        };
        var actual = new Dictionary<string, Tensor>
        {
            ["conv.weight"] = Tensor.Zeros([8, 3, 3, 3]),
            ["fc.weight"] = Tensor.Zeros([1000, 8]),
            ["fc.bias"] = Tensor.Zeros([1000]),
            ["head.extra"] = Tensor.Zeros([2]),
            ["aux.x"] = Tensor.Zeros([1]),
        };
        var report = StateDictReport.Compare(expected, actual);
        Assert.False(report.IsClean);
        Assert.Equal(["bn.bias", "bn.weight"], report.Missing);
        Assert.Equal(["aux.x", "head.extra"], report.Unexpected);
        Assert.Equal(["fc.bias", "fc.weight"], report.Mismatched.Select(m => m.Key));
        Assert.Equal(new long[] { 10, 8 }, report.Mismatched[1].Expected);
        Assert.Equal(new long[] { 1000, 8 }, report.Mismatched[1].Actual);
        Assert.Equal("missing: bn.bias\nmissing: bn.weight\nunexpected: aux.x\nunexpected: head.extra\n" +
                     "shape: fc.bias: expected [10], got [1000]\nshape: fc.weight: expected [10, 8], got [1000, 8]",
                     report.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void MatchingDictsAreClean()
    {
        using var scope = TensorScope.Begin();
        var report = StateDictReport.Compare(new Dictionary<string, long[]> { ["w"] = [2, 2], ["s"] = [] },
                                             new Dictionary<string, Tensor> { ["w"] = Tensor.Ones([2, 2]), ["s"] = Tensor.Scalar(1f) });
        Assert.True(report.IsClean);
        Assert.Equal("clean", report.ToString());
    }

    [Fact]
    public void LoaderCopiesMatchesAndIsStrictWhenAsked()
    {
        using var scope = TensorScope.Begin();
        var target = new Dictionary<string, Tensor>
        {
            ["a"] = Tensor.Zeros([2]).RequiresGrad_(), ["b"] = Tensor.Zeros([3]), ["c"] = Tensor.Zeros([1]),
        };
        var source = new Dictionary<string, Tensor>
        {
            ["a"] = Tensor.From(new float[] { 1, 2 }), ["b"] = Tensor.Ones([4]), ["d"] = Tensor.Ones([1]),
        };
        var strictError = Assert.Throws<TorchException>(() => StateDictLoader.CopyInto(target, source, strict: true, "weights.bin"));
        Assert.Contains("weights.bin", strictError.Message);
        Assert.Contains("missing: c", strictError.Message);
        Assert.Contains("unexpected: d", strictError.Message);
        Assert.Contains("shape: b: expected [3], got [4]", strictError.Message);
        Assert.Equal(new float[] { 0, 0 }, target["a"].ToArray<float>()); // strict failure copies nothing

        var report = StateDictLoader.CopyInto(target, source, strict: false, "weights.bin");
        Assert.Equal(["c"], report.Missing);
        Assert.Equal(new float[] { 1, 2 }, target["a"].ToArray<float>());
        Assert.Equal(new float[] { 0, 0, 0 }, target["b"].ToArray<float>());
        Assert.True(target["a"].RequiresGrad);
    }
}
