using Osprey.Tests.Data;

namespace Osprey.Cli.Tests.Commands;

/// <summary>The segmentation test flags of val and predict: a bad value is a usage error (exit 2) naming its flag,
/// found before the checkpoint is read.</summary>
public class SegmentationTestFlagTests
{
    [Theory]
    [InlineData("--mode tile", "--mode tile: expected whole or slide")]
    [InlineData("--tta-scales 0.5,zero", "--tta-scales 0.5,zero: expected numbers in (0, 8] separated by commas")]
    [InlineData("--tta-scales 0,1", "--tta-scales 0,1: expected numbers")]
    [InlineData("--crop 0", "--crop 0: expected an integer >= 1")]
    [InlineData("--crop 64 --stride 65", "--stride 65: expected at most --crop 64")]
    [InlineData("--mode whole --crop 64", "--crop: sets the sliding window, which --mode whole does not use")]
    [InlineData("--tta-flip false", "--tta-flip: applies to test-time augmentation; add --tta")]
    public void BadValueNamesTheFlag(string flags, string message)
    {
        using var work = new TempFolder();
        var missing = Path.Combine(work.Root, "none.ckpt");
        foreach (var verb in new[] { new[] { "val", "--weights", missing }, ["predict", "--weights", missing, "--source", work.Root] })
        {
            var (code, output, err) = OspreyProcess.Run(work.Root, [.. verb, .. flags.Split(' ')]);
            Assert.True(code == 2, $"{verb[0]} {flags}: exit {code}, stderr {err}");
            Assert.Contains(message, err);
            Assert.Equal("", output);
        }
    }
}
