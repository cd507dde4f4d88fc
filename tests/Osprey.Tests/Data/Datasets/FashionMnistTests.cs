using System.IO.Compression;
using Osprey.Data.Datasets;

using Osprey.Tests.Data;

namespace Osprey.Tests.Data.Datasets;

public class FashionMnistTests
{
    [Fact]
    public void ReadsDebiansFilesAsPythonDoes()
    {
        using var scope = TensorScope.Begin();
        var fixture = Fixture.Load("fashion_mnist");
        foreach (var (split, dataset) in new[] { ("train", FashionMnist.Train()), ("t10k", FashionMnist.Test()) })
        {
            Assert.Equal(int.Parse(fixture.Metadata[$"{split}_count"]), dataset.Count);
            Assert.Equal(split == "train" ? 60000 : 10000, dataset.Count);
            var firstLabels = Enumerable.Range(0, 20).Select(i => dataset.LabelOf(i).ToString());
            Assert.Equal(fixture.Metadata[$"{split}_first_labels"], string.Join(",", firstLabels));
            Assert.Equal(long.Parse(fixture.Metadata[$"{split}_label_sum"]), Enumerable.Range(0, dataset.Count).Sum(dataset.LabelOf));
            var first = dataset.Get(0);
            Assert.Equal(dataset.LabelOf(0), first.Label);
            TestImages.Equal(fixture[$"{split}_first_image"], first.Image, $"{split} image 0");
            TestImages.Equal(fixture[$"{split}_last_image"], dataset.Get(dataset.Count - 1).Image, $"{split} last image");
            Assert.Equal(FashionMnist.ClassNames, dataset.Classes);
        }
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[9]);
        Assert.Equal("T-shirt/top", FashionMnist.ClassNames[0]);
    }

    static byte[] Idx(int magic, params int[] sizesThenData)
    {
        var stream = new MemoryStream();
        void Int(int v) => stream.Write([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
        Int(magic);
        return [.. stream.ToArray(), .. sizesThenData.SelectMany(v => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v })];
    }

    static byte[] Gzip(byte[] raw)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(raw);
        return output.ToArray();
    }

    static byte[] Images(int count, int rows, int cols) =>
        [.. Idx(0x803, count, rows, cols), .. Enumerable.Range(0, count * rows * cols).Select(i => (byte)i)];

    static byte[] Labels(params byte[] labels) => [.. Idx(0x801, labels.Length), .. labels];

    [Fact]
    public void RawAndGzipFilesAreDetectedByContent()
    {
        using var dir = new TempFolder();
        var raw = new IdxDataset(dir.Write("img", Images(3, 2, 2)), dir.Write("lbl", Labels(2, 0, 1)), FashionMnist.MnistClassNames);
        var gz = new IdxDataset(dir.Write("img.gz", Gzip(Images(3, 2, 2))), dir.Write("lbl.gz", Gzip(Labels(2, 0, 1))), FashionMnist.MnistClassNames);
        using var scope = TensorScope.Begin();
        foreach (var d in new[] { raw, gz })
        {
            Assert.Equal(3, d.Count);
            var s = d.Get(2);
            Assert.Equal(1, s.Label);
            Assert.Equal([1L, 2, 2], s.Image.Shape);
            Assert.Equal(new byte[] { 8, 9, 10, 11 }, s.Image.ToArray<byte>());
        }
    }

    [Fact]
    public void BadFilesAreNamedWithWhatIsWrong()
    {
        using var dir = new TempFolder();
        var images = dir.Write("images", Images(3, 2, 2));
        var labels = dir.Write("labels", Labels(2, 0, 1));
        string[] classes = ["a", "b", "c"];

        var swapped = Assert.Throws<InvalidDataException>(() => new IdxDataset(labels, images, classes));
        Assert.Contains($"{labels}: magic number 0x00000801, expected 0x00000803", swapped.Message);

        var shortImages = dir.Write("short", Images(3, 2, 2)[..^1]);
        var truncated = Assert.Throws<InvalidDataException>(() => new IdxDataset(shortImages, labels, classes));
        Assert.Contains($"{shortImages}: header says 3 images of 2x2 (28 bytes), the file has 27 bytes", truncated.Message);

        var fewLabels = dir.Write("few", Labels(2, 0));
        var mismatch = Assert.Throws<InvalidDataException>(() => new IdxDataset(images, fewLabels, classes));
        Assert.Contains($"{fewLabels} has 2 labels but {images} has 3 images", mismatch.Message);

        var outOfRange = Assert.Throws<InvalidDataException>(() => new IdxDataset(images, labels, ["a", "b"]));
        Assert.Contains("label 2 at index 0 is not below the 2 classes", outOfRange.Message);

        var missingDir = dir.PathOf("nowhere");
        var missing = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Train(missingDir));
        Assert.Contains(missingDir, missing.Message);
        var emptyDir = dir.Folder("empty");
        var noFiles = Assert.Throws<FileNotFoundException>(() => FashionMnist.Test(emptyDir));
        Assert.Contains("t10k-images-idx3-ubyte.gz", noFiles.Message);
    }
}
