using Osprey.Models.Summary;

namespace Osprey.Tests.Models.Detection.Yolo;

/// <summary>
/// `osprey info` numbers: the layer table of the YOLO11 + Detect_MultiSEAM article row for row, and the summaries ultralytics 8.3 prints
/// (layers = distinct module objects, the DFL conv frozen, GFLOPs = 2 x thop MACs at 640 in train mode).
/// </summary>
public class YoloInfoTests
{
    // The article's printout of yolo11n with the Detect_MultiSEAM head (80 classes).
    const string SeedTable = """
                           from  n    params  module                                       arguments
          0                  -1  1       464  ultralytics.nn.modules.conv.Conv             [3, 16, 3, 2]
          1                  -1  1      4672  ultralytics.nn.modules.conv.Conv             [16, 32, 3, 2]
          2                  -1  1      6640  ultralytics.nn.modules.block.C3k2            [32, 64, 1, False, 0.25]
          3                  -1  1     36992  ultralytics.nn.modules.conv.Conv             [64, 64, 3, 2]
          4                  -1  1     26080  ultralytics.nn.modules.block.C3k2            [64, 128, 1, False, 0.25]
          5                  -1  1    147712  ultralytics.nn.modules.conv.Conv             [128, 128, 3, 2]
          6                  -1  1     87040  ultralytics.nn.modules.block.C3k2            [128, 128, 1, True]
          7                  -1  1    295424  ultralytics.nn.modules.conv.Conv             [128, 256, 3, 2]
          8                  -1  1    346112  ultralytics.nn.modules.block.C3k2            [256, 256, 1, True]
          9                  -1  1    164608  ultralytics.nn.modules.block.SPPF            [256, 256, 5]
         10                  -1  1    249728  ultralytics.nn.modules.block.C2PSA           [256, 256, 1]
         11                  -1  1         0  torch.nn.modules.upsampling.Upsample         [None, 2, 'nearest']
         12             [-1, 6]  1         0  ultralytics.nn.modules.conv.Concat           [1]
         13                  -1  1    111296  ultralytics.nn.modules.block.C3k2            [384, 128, 1, False]
         14                  -1  1         0  torch.nn.modules.upsampling.Upsample         [None, 2, 'nearest']
         15             [-1, 4]  1         0  ultralytics.nn.modules.conv.Concat           [1]
         16                  -1  1     32096  ultralytics.nn.modules.block.C3k2            [256, 64, 1, False]
         17                  -1  1     36992  ultralytics.nn.modules.conv.Conv             [64, 64, 3, 2]
         18            [-1, 13]  1         0  ultralytics.nn.modules.conv.Concat           [1]
         19                  -1  1     86720  ultralytics.nn.modules.block.C3k2            [192, 128, 1, False]
         20                  -1  1    147712  ultralytics.nn.modules.conv.Conv             [128, 128, 3, 2]
         21            [-1, 10]  1         0  ultralytics.nn.modules.conv.Concat           [1]
         22                  -1  1    378880  ultralytics.nn.modules.block.C3k2            [384, 256, 1, True]
         23        [16, 19, 22]  1   3348640  ultralytics.nn.modules.head.Detect_MultiSEAM [80, [64, 128, 256]]
        """;

    static string[] Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r').TrimEnd()).Where(l => l.Length > 0).ToArray();

    [Fact]
    public void MultiSeamTableAndSummaryAreTheSeeds()
    {
        var summary = ModelInfo.Describe("yolo11n-multiseam");
        var printed = Lines(ModelInfo.Format(summary));
        var expected = Lines(SeedTable);
        Assert.Equal(expected.Length + 1, printed.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], printed[i]);
        Assert.Equal(3_348_640, summary.Rows[23].Parameters);
        Assert.Equal("yolo11n-multiseam summary: 553 layers, 5,507,808 parameters, 5,507,792 gradients, 7.3 GFLOPs", printed[^1]);
    }

    [Theory]
    [InlineData("yolo11n", false, "yolo11n summary: 319 layers, 2,624,080 parameters, 2,624,064 gradients, 6.6 GFLOPs")]
    [InlineData("yolo11s", false, "yolo11s summary: 319 layers, 9,458,752 parameters, 9,458,736 gradients, 21.7 GFLOPs")]
    // Fused: 81 BatchNorms folded away; the folded convs, like ultralytics', do not require grad.
    [InlineData("yolo11n", true, "yolo11n summary (fused): 238 layers, 2,616,248 parameters, 31,920 gradients, 6.5 GFLOPs")]
    public void SummaryLines(string name, bool fused, string expected) =>
        Assert.Equal(expected, ModelInfo.Describe(name, fused: fused).SummaryLine);

    [Fact]
    public void ClassesAndImageSizeAreHonoured()
    {
        var summary = ModelInfo.Describe("yolo11n", classes: 3, imageSize: 320);
        Assert.Equal("[3, [64, 128, 256]]", summary.Rows[23].Arguments);
        // The class branches narrow to max(64, min(3, 100)) = 64 channels (PyTorch reference count for nc=3).
        Assert.Equal(2_590_425, summary.Parameters);
        // Convolutions scale with the area: a quarter of the 640 count (6.55 -> 1.64).
        Assert.Equal("1.6", summary.Gflops!.Value.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void NonYoloModelsListTheirChildren()
    {
        var summary = ModelInfo.Describe("resnet18");
        Assert.Equal(["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc"], summary.Rows.Select(r => r.Name));
        Assert.Equal(11_689_512, summary.Parameters);
        Assert.Equal(513_000, summary.Rows[^1].Parameters);
        // folded: torch.fx.experimental.optimization.fuse(torchvision resnet18) has 11,684,712 parameters
        var fused = ModelInfo.Describe("resnet18", fused: true);
        Assert.Equal(11_684_712, fused.Parameters);
        Assert.Contains("resnet18 summary (fused)", fused.SummaryLine);
    }
}
