using Osprey.Data.Datasets;
using Osprey.Data.Images;

using Osprey.Tests.Data;

namespace Osprey.Tests.Data.Datasets;

public class ImageFolderDatasetTests
{
    [Fact]
    public void ClassesAreSortedFoldersAndFilesAreSortedAsTorchvisionDoes()
    {
        using var dir = new TempFolder();
        dir.CopyImage("rgb.png", "dog/b.png");
        dir.CopyImage("gray.png", "dog/a.png");
        dir.CopyImage("rgb.jpg", "dog/a/z.jpg"); // a sub-folder's files come after the folder's own files
        dir.CopyImage("rgba.png", "cat/only.PNG");
        dir.Write("cat/.DS_Store", [0, 1, 2]); // hidden: ignored
        dir.Write("README.txt", "root-level files are not samples"u8.ToArray());
        var dataset = new ImageFolderDataset(dir.Root);

        Assert.Equal(["cat", "dog"], dataset.Classes);
        Assert.Equal(4, dataset.Count);
        string[] expected = ["cat/only.PNG", "dog/a.png", "dog/b.png", "dog/a/z.jpg"];
        Assert.Equal(expected.Select(dir.PathOf), Enumerable.Range(0, 4).Select(dataset.PathOf));

        using var scope = TensorScope.Begin();
        var gray = dataset.Get(1);
        Assert.Equal(1, gray.Label);
        Assert.Equal([3L, 9, 13], gray.Image.Shape); // RGB by default: the gray image's channel is replicated
        Assert.Equal(dir.PathOf("dog/a.png"), gray.Source);
        var rgba = dataset.Get(0);
        Assert.Equal(0, rgba.Label);
        Assert.Equal([3L, 11, 7], rgba.Image.Shape); // alpha dropped
    }

    [Fact]
    public void NonImageFileInAClassFolderIsNamed()
    {
        using var dir = new TempFolder();
        dir.CopyImage("rgb.png", "cat/a.png");
        var notes = dir.Write("cat/notes.txt", "not a picture"u8.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => new ImageFolderDataset(dir.Root));
        Assert.Contains(notes, e.Message);
        Assert.Contains("is not an image", e.Message);
    }

    [Fact]
    public void EmptyClassFolderIsNamed()
    {
        using var dir = new TempFolder();
        dir.CopyImage("rgb.png", "cat/a.png");
        var empty = dir.Folder("dog");
        var e = Assert.Throws<InvalidDataException>(() => new ImageFolderDataset(dir.Root));
        Assert.Contains($"class folder {empty} contains no images", e.Message);
    }

    [Fact]
    public void MissingOrClasslessRootIsNamed()
    {
        using var dir = new TempFolder();
        var missing = dir.PathOf("no-such-folder");
        var e = Assert.Throws<DirectoryNotFoundException>(() => new ImageFolderDataset(missing));
        Assert.Contains($"{missing} does not exist", e.Message);
        var flat = dir.Folder("flat");
        File.Copy(TestImages.PathOf("rgb.png"), Path.Combine(flat, "a.png"));
        var noClasses = Assert.Throws<InvalidDataException>(() => new ImageFolderDataset(flat));
        Assert.Contains($"{flat} has no class sub-folders", noClasses.Message);
    }

    [Fact]
    public void CorruptImageFailsOnReadNamingTheFile()
    {
        using var dir = new TempFolder();
        dir.CopyImage("rgb.png", "cat/a.png");
        var corrupt = dir.CopyImage("truncated.png", "cat/b.png");
        var dataset = new ImageFolderDataset(dir.Root);
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ImageDecodeException>(() => dataset.Get(1));
        Assert.Contains(corrupt, e.Message);
        Assert.Contains("truncated", e.Message);
    }
}
