using System.Text;
using Osprey.Data.Datasets.Detection;
using Osprey.Data.Images;

namespace Osprey.Tests.Data.Datasets.Detection;

public class YoloDatasetTests
{
    /// <summary>A data.yaml root with images/{split}/NAME.png of the given size and labels/{split}/NAME.txt.</summary>
    internal static void AddImage(TempFolder dir, string split, string name, int width, int height, string? label)
    {
        using (var scope = TensorScope.Begin())
            ImageCodec.Write(dir.PathOf($"images/{split}/{name}.png"), Tensor.Full([3, height, width], 40, DType.UInt8));
        if (label != null) dir.Write($"labels/{split}/{name}.txt", Encoding.UTF8.GetBytes(label));
    }

    static string Yaml(TempFolder dir, string text = "path: .\ntrain: images/train\nval: images/val\nnames: [cat, dog, bird]\n")
    {
        dir.Folder("images/val"); // ultralytics refuses a YAML whose splits do not exist
        return dir.Write("data.yaml", Encoding.UTF8.GetBytes(text));
    }

    [Fact]
    public void BoxesComeOutInPixelsAsXyxyWithClasses()
    {
        using var dir = new TempFolder();
        AddImage(dir, "train", "a", 40, 20, "1 0.5 0.5 0.5 0.5\n\n2 0.25 0.75 0.1 0.2\n");
        AddImage(dir, "train", "b", 10, 10, null); // no label file: background
        var dataset = YoloDataset.Open(Yaml(dir), "train", cacheFile: false);

        Assert.Equal(["cat", "dog", "bird"], dataset.Classes);
        Assert.Equal(2, dataset.Count);
        using var scope = TensorScope.Begin();
        var a = dataset.Get(0);
        Assert.Equal([3L, 20, 40], a.Image.Shape);
        Assert.Equal(new float[] { 10, 5, 30, 15, 8, 13, 12, 17 }, a.Boxes!.ToArray<float>());
        Assert.Equal([2L, 4], a.Boxes.Shape);
        Assert.Equal(new long[] { 1, 2 }, a.BoxLabels!.ToArray<long>());
        Assert.Equal(2, a.Annotations!.Count);
        Assert.Equal(40, a.Annotations.Width);
        var b = dataset.Get(1);
        Assert.Equal([0L, 4], b.Boxes!.Shape);
        Assert.Equal([0L], b.BoxLabels!.Shape);
    }

    [Fact]
    public void LabelPathsFollowUltralyticsImg2LabelPaths()
    {
        Assert.Equal("/d/images/x/labels/a.txt", YoloDataset.LabelPathOf("/d/images/x/images/a.jpg"));
        Assert.Equal("/d/labels/train/a.b.txt", YoloDataset.LabelPathOf("/d/images/train/a.b.png"));
        Assert.Equal("/d/pics/a.txt", YoloDataset.LabelPathOf("/d/pics/a.png")); // no images/ folder: next to the image
    }

    [Theory]
    [InlineData("0 0.5 0.5 0.5", "4 columns, expected 5")]
    [InlineData("3 0.5 0.5 0.5 0.5", "class id 3 is not one of 0..2")]
    [InlineData("1.5 0.5 0.5 0.5 0.5", "class id 1.5 is not one of 0..2")]
    [InlineData("0 1.02 0.5 0.5 0.5", "cx = 1.02 is outside [0, 1]")]
    [InlineData("0 0.5 -0.02 0.5 0.5", "cy = -0.02 is outside [0, 1]")]
    [InlineData("0 0.5 0.5 NaN 0.5", "column 4 is NaN, expected a finite number")]
    [InlineData("0 0.5 0.5 abc 0.5", "column 4 'abc' is not a number")]
    [InlineData("0 0.5 0.5 0.5 -0.005", "negative height")]
    [InlineData("0 0.1 0.1 0.2 0.2 0.3", "6 columns")]
    public void BadLineIsAnErrorNamingFileAndLine(string line, string expected)
    {
        using var dir = new TempFolder();
        AddImage(dir, "train", "a", 16, 16, "0 0.5 0.5 0.2 0.2\n" + line + "\n");
        var e = Assert.Throws<DatasetFormatException>(() => YoloDataset.Open(Yaml(dir), "train", cacheFile: false));
        Assert.Single(e.Errors);
        Assert.StartsWith($"{dir.PathOf("labels/train/a.txt")}:2: ", e.Errors[0]);
        Assert.Contains(expected, e.Errors[0]);
    }

    [Fact]
    public void WithinUltralyticsToleranceIsAcceptedAndClippedToTheImage()
    {
        using var dir = new TempFolder();
        AddImage(dir, "train", "a", 100, 100, "0 1.005 0.5 0.2 0.2\n");
        var dataset = YoloDataset.Open(Yaml(dir), "train", cacheFile: false);
        using var scope = TensorScope.Begin();
        var boxes = dataset.Get(0).Boxes!.ToArray<float>();
        Assert.Equal(90.5f, boxes[0], 3);
        Assert.Equal(100f, boxes[2]); // 110.5 clipped to the width
    }

    [Fact]
    public void SegmentLineGivesThePointsExtent()
    {
        using var dir = new TempFolder();
        AddImage(dir, "train", "a", 10, 10, "2 0.1 0.2 0.5 0.3 0.4 0.9\n");
        var dataset = YoloDataset.Open(Yaml(dir), "train", cacheFile: false);
        using var scope = TensorScope.Begin();
        var boxes = dataset.Get(0).Boxes!.ToArray<float>();
        Assert.Equal(new[] { 1f, 2f, 5f, 9f }, boxes.Select(v => MathF.Round(v, 4)).ToArray());
    }

    [Fact]
    public void AllBadLinesOfAllFilesAreReportedTogether()
    {
        using var dir = new TempFolder();
        AddImage(dir, "train", "a", 16, 16, "9 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2 0.2\n0 2 0.5 0.2 0.2\n");
        AddImage(dir, "train", "b", 16, 16, "0 0.5 0.5\n");
        var e = Assert.Throws<DatasetFormatException>(() => YoloDataset.Open(Yaml(dir), "train", cacheFile: false));
        Assert.Equal(3, e.Errors.Count);
        Assert.Contains("a.txt:1:", e.Errors[0]);
        Assert.Contains("a.txt:3:", e.Errors[1]);
        Assert.Contains("b.txt:1:", e.Errors[2]);
        Assert.Contains("3 errors", e.Message);
    }

    [Fact]
    public void DuplicateLinesAreRemovedWithAWarningCountingThem()
    {
        using var dir = new TempFolder();
        AddImage(dir, "train", "a", 16, 16, "0 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2 0.2\n");
        var messages = new List<string>();
        var dataset = YoloDataset.Open(Yaml(dir), "train", messages.Add, cacheFile: false);
        Assert.Equal(2, dataset.Records[0].Count);
        var warning = Assert.Single(messages, m => m.Contains("duplicate"));
        Assert.Contains("2 duplicate labels removed in 1 file", warning);
    }

    [Fact]
    public void MissingLabelFileIsBackgroundAndReported()
    {
        using var dir = new TempFolder();
        AddImage(dir, "train", "a", 16, 16, null);
        AddImage(dir, "train", "b", 16, 16, "");
        var messages = new List<string>();
        var dataset = YoloDataset.Open(Yaml(dir), "train", messages.Add, cacheFile: false);
        Assert.Equal(2, dataset.Count);
        Assert.Contains(messages, m => m.Contains("1 image has no label file (background)"));
        Assert.Contains(messages, m => m.EndsWith("2 images, 0 boxes, 2 backgrounds"));
    }

    [Fact]
    public void LabelWithoutItsImageIsAnError()
    {
        using var dir = new TempFolder();
        AddImage(dir, "train", "a", 16, 16, "0 0.5 0.5 0.2 0.2\n");
        var orphan = dir.Write("labels/train/ghost.txt", "0 0.5 0.5 0.2 0.2\n"u8.ToArray());
        var e = Assert.Throws<DatasetFormatException>(() => YoloDataset.Open(Yaml(dir), "train", cacheFile: false));
        Assert.Contains($"{orphan}: label file without an image", Assert.Single(e.Errors));
    }

    [Fact]
    public void UndecodableImageFormatIsNamed()
    {
        using var dir = new TempFolder();
        AddImage(dir, "train", "a", 16, 16, null);
        var heic = dir.Write("images/train/b.heic", [1, 2, 3]);
        var e = Assert.Throws<DatasetFormatException>(() => YoloDataset.Open(Yaml(dir), "train", cacheFile: false));
        Assert.Contains($"{heic}: .heic images cannot be decoded here", Assert.Single(e.Errors));
    }

    [Fact]
    public void SecondOpenReadsTheCacheFileAndAChangedLabelInvalidatesIt()
    {
        using var dir = new TempFolder();
        AddImage(dir, "train", "a", 10, 10, "0 0.5 0.5 0.2 0.2\n");
        var yaml = Yaml(dir);
        var first = new List<string>();
        YoloDataset.Open(yaml, "train", first.Add);
        Assert.True(File.Exists(dir.PathOf("labels/train.cache")));
        Assert.DoesNotContain(first, m => m.Contains("from cache"));

        // Proof the second open does not parse: corrupt the label in place keeping its size and time stamp.
        var label = dir.PathOf("labels/train/a.txt");
        var stamp = File.GetLastWriteTimeUtc(label);
        File.WriteAllText(label, "0 0.5 0.5 0.4 0.4\n");
        File.SetLastWriteTimeUtc(label, stamp);
        var second = new List<string>();
        var cached = YoloDataset.Open(yaml, "train", second.Add);
        Assert.Contains(second, m => m.Contains("labels read from cache"));
        Assert.Equal(new[] { 0.4f, 0.4f, 0.6f, 0.6f }, cached.Records[0].Boxes);

        File.SetLastWriteTimeUtc(label, stamp.AddSeconds(5));
        var third = new List<string>();
        var reparsed = YoloDataset.Open(yaml, "train", third.Add);
        Assert.DoesNotContain(third, m => m.Contains("from cache"));
        Assert.Equal(new[] { 0.3f, 0.3f, 0.7f, 0.7f }, reparsed.Records[0].Boxes);
    }

    [Fact]
    public void CorruptCacheFileIsIgnoredAndRewritten()
    {
        using var dir = new TempFolder();
        AddImage(dir, "train", "a", 10, 10, "0 0.5 0.5 0.2 0.2\n");
        var yaml = Yaml(dir);
        dir.Write("labels/train.cache", [1, 2, 3, 4, 5]);
        var messages = new List<string>();
        var dataset = YoloDataset.Open(yaml, "train", messages.Add);
        Assert.DoesNotContain(messages, m => m.Contains("from cache"));
        Assert.Equal(new[] { 0.4f, 0.4f, 0.6f, 0.6f }, dataset.Records[0].Boxes);
        Assert.True(new FileInfo(dir.PathOf("labels/train.cache")).Length > 5);
        var again = new List<string>();
        YoloDataset.Open(yaml, "train", again.Add);
        Assert.Contains(again, m => m.Contains("labels read from cache"));
    }

    [Fact]
    public void ListFileSplitWithDotSlashPaths()
    {
        using var dir = new TempFolder();
        AddImage(dir, "all", "a", 10, 10, "1 0.5 0.5 0.2 0.2\n");
        AddImage(dir, "all", "b", 10, 10, "2 0.5 0.5 0.2 0.2\n");
        dir.Write("val.txt", "./images/all/b.png\n"u8.ToArray());
        var yaml = Yaml(dir, "path: .\ntrain: [images/all]\nval: val.txt\nnames: {0: cat, 1: dog, 2: bird}\n");
        var val = YoloDataset.Open(yaml, "val", cacheFile: false);
        Assert.Equal(1, val.Count);
        Assert.Equal(dir.PathOf("images/all/b.png"), val.PathOf(0));
        Assert.Equal(new long[] { 2 }, val.Records[0].Classes);
        Assert.Equal(2, YoloDataset.Open(yaml, "train", cacheFile: false).Count);

        dir.Write("val.txt", "./images/all/b.png\n./images/all/missing.png\n"u8.ToArray());
        var e = Assert.Throws<DatasetFormatException>(() => YoloDataset.Open(yaml, "val", cacheFile: false));
        Assert.Contains($"{dir.PathOf("val.txt")}:2: image ./images/all/missing.png not found", Assert.Single(e.Errors));
    }
}
