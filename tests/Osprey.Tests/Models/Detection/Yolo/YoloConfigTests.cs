using Osprey.Models.Detection.Yolo;
using Osprey.Torch.NN;

namespace Osprey.Tests.Models.Detection.Yolo;

/// <summary>Model files: a user's file builds like the shipped one; malformed rows fail with the file, line and column.</summary>
public class YoloConfigTests
{
    const string Tiny = """
        nc: 4
        scales:
          t: [1.0, 0.25, 256]
        backbone:
          - [-1, 1, Conv, [32, 3, 2]]
          - [-1, 1, Conv, [64, 3, 2]]
          - [-1, 1, Conv, [128, 3, 2]]
          - [-1, 3, C2f, [128, True]]
          - [-1, 1, Conv, [256, 3, 2]]
          - [-1, 1, Conv, [1024, 3, 2]]
        head:
          - [-1, 1, nn.Upsample, [None, 2, "nearest"]]
          - [[-1, 4], 1, Concat, [1]]
          - [-1, 1, Bottleneck, [64, False, 1, [1, 3]]]
          - [[3, 8], 1, Detect, [nc]]
        """;

    static YoloConfigException Fails(string text) =>
        Assert.Throws<YoloConfigException>(() => new YoloModel(YoloConfigReader.Parse(text, "my.yaml"), "my", "t").Dispose());

    [Fact]
    public void AUsersFileBuildsAndRuns()
    {
        var path = Path.Combine(Path.GetTempPath(), $"osprey-tiny-{Environment.ProcessId}.yaml");
        File.WriteAllText(path, Tiny);
        try
        {
            using var model = new YoloModel(YoloConfigReader.ReadFile(path), "tiny", "t");
            var rows = model.Rows();
            Assert.Equal("[32, 32, 3, True]", rows[3].Arguments);        // repeats 3 moved into C2f's arguments
            Assert.Equal(3, rows[3].Repeats);
            Assert.Equal("[64, 64, 3, 2]", rows[5].Arguments);          // 1024 capped at 256, then x0.25
            Assert.Equal("[128, 16, False, 1, [1, 3]]", rows[8].Arguments);
            Assert.Equal("[4, [32, 16]]", rows[9].Arguments);
            Assert.Equal([8.0, 16], model.Head.Strides);
            Assert.Equal(4, model.NumClasses);
            using var scope = TensorScope.Begin();
            using var output = model.Call(Tensor.Rand([1, 3, 64, 64]));
            Assert.Equal([1L, 64 + 4, 8, 8], output.RawMaps[0].Shape);
            Assert.Equal([1L, 64 + 4, 4, 4], output.RawMaps[1].Shape);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UnknownModuleNamesTheFileAndLine()
    {
        var e = Fails(Tiny.Replace("[-1, 1, Conv, [256, 3, 2]]", "[-1, 1, Convv, [256, 3, 2]]"));
        Assert.StartsWith("my.yaml:9:5: unknown module 'Convv'; known: ", e.Message);
        Assert.Contains("C3k2", e.Message);
        Assert.Equal(9, e.Location.Line);
    }

    [Fact]
    public void TooManyArgumentsNameTheSignature()
    {
        var e = Fails(Tiny.Replace("[-1, 1, Conv, [256, 3, 2]]", "[-1, 1, Conv, [256, 3, 2, 1, 1, 1, True, 5]]"));
        Assert.Equal("my.yaml:9:5: Conv(c1, c2, k=1, s=1, p=None, g=1, d=1, act=True) takes at most 8 arguments, got 9: [32, 64, 3, 2, 1, 1, 1, True, 5]",
                     e.Message);
    }

    [Fact]
    public void MissingChannelsAndWrongTypesFail()
    {
        Assert.Equal("my.yaml:9:5: Conv: the first argument must be the output channels (an integer)",
                     Fails(Tiny.Replace("[-1, 1, Conv, [256, 3, 2]]", "[-1, 1, Conv, []]")).Message);
        Assert.Equal("my.yaml:9:5: Conv: argument 'k' must be an integer, got 'big'",
                     Fails(Tiny.Replace("[-1, 1, Conv, [256, 3, 2]]", "[-1, 1, Conv, [256, 'big', 2]]")).Message);
        Assert.Equal("my.yaml:9:5: unknown name 'depth' in the arguments (only nc is defined; quote strings)",
                     Fails(Tiny.Replace("[-1, 1, Conv, [256, 3, 2]]", "[-1, 1, Conv, [256, depth, 2]]")).Message);
    }

    [Fact]
    public void BadFromIndicesFail()
    {
        Assert.Equal("my.yaml:13:5: 'from' 12 of layer 7 does not name an earlier layer (0..6, or -1 for the previous one)",
                     Fails(Tiny.Replace("[[-1, 4], 1, Concat, [1]]", "[[-1, 12], 1, Concat, [1]]")).Message);
        Assert.Equal("my.yaml:13:5: Concat takes several inputs: 'from' must be a list such as [-1, 6]",
                     Fails(Tiny.Replace("[[-1, 4], 1, Concat, [1]]", "[-1, 1, Concat, [1]]")).Message);
        Assert.Equal("my.yaml:5:5: 'from' -2 of layer 0 does not name an earlier layer (0..-1, or -1 for the previous one)",
                     Fails(Tiny.Replace("[-1, 1, Conv, [32, 3, 2]]", "[-2, 1, Conv, [32, 3, 2]]")).Message);
    }

    [Fact]
    public void MalformedRowsAndFilesFail()
    {
        Assert.Equal("my.yaml:5:5: row 0 must be [from, repeats, module, args], got 3 items",
                     Fails(Tiny.Replace("[-1, 1, Conv, [32, 3, 2]]", "[-1, 1, Conv]")).Message);
        Assert.Equal("my.yaml:15:5: the last row must be a detection head (Detect, Detect_SEAM, Detect_MultiSEAM)",
                     Fails(Tiny.Replace("[[3, 8], 1, Detect, [nc]]", "[-1, 1, Conv, [8]]")).Message);
        Assert.Equal("my.yaml:1:1: unknown key 'activation'; expected one of nc, scales, backbone, head, depth_multiple, width_multiple",
                     Fails("activation: nn.ReLU()\n" + Tiny).Message);
        Assert.StartsWith("my.yaml:1:1: no scale 't'", Fails(Tiny.Replace("  t: [", "  n: [")).Message);
    }
}
