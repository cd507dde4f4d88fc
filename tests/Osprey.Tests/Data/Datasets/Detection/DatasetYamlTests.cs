using System.Text;
using Osprey.Data.Datasets.Detection;

namespace Osprey.Tests.Data.Datasets.Detection;

public class DatasetYamlTests
{
    static string Write(TempFolder dir, string text) => dir.Write("cfg/data.yaml", Encoding.UTF8.GetBytes(text));

    [Fact]
    public void RelativePathIsResolvedNextToTheYamlAndSplitsAgainstIt()
    {
        using var dir = new TempFolder();
        dir.Folder("ds/images/train");
        dir.Folder("ds/images/val");
        var yaml = DatasetYaml.Read(Write(dir, "path: ../ds\ntrain: images/train\nval: [images/val, images/train]\nnames:\n  0: person\n  1: car\n"));
        Assert.Equal(dir.PathOf("ds"), yaml.Root);
        Assert.Equal([dir.PathOf("ds/images/train")], yaml.Split("train"));
        Assert.Equal([dir.PathOf("ds/images/val"), dir.PathOf("ds/images/train")], yaml.Split("val"));
        Assert.Equal(["person", "car"], yaml.Names);
        Assert.Contains("has no 'test' split", Assert.Throws<InvalidDataException>(() => yaml.Split("test")).Message);
    }

    [Theory]
    [InlineData("train: images\n", "data.yaml:1: has no 'names'")]
    [InlineData("train: images\nnames: [a, b]\nnc: 3\n", "data.yaml:3: 'nc' is 3 but 'names' has 2 entries")]
    [InlineData("train: images\nnames: {0: a, 2: b}\n", "'names' keys must be 0..1 without gaps")]
    [InlineData("train: nowhere\nnames: [a]\n", "'train' source")]
    [InlineData("path: nowhere\ntrain: images\nnames: [a]\n", "'path' nowhere is neither")]
    [InlineData("names: [a]\n", "has neither 'train' nor 'val'")]
    [InlineData("train: [images\nnames: [a]\n", "not valid YAML")]
    public void BadYamlIsNamed(string text, string expected)
    {
        using var dir = new TempFolder();
        dir.Folder("cfg/images");
        var e = Assert.Throws<InvalidDataException>(() => DatasetYaml.Read(Write(dir, text)));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(dir.PathOf("cfg/data.yaml"), e.Message);
    }
}
