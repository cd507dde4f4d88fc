using Osprey.Data.Images;
using Osprey.Tests.Data;
using Osprey.Training;

namespace Osprey.Tests.Training;

public class BadInputTests
{
    [Fact]
    public void NonImageFileInAClassFolderIsNamed()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        var notes = data.PathOf("train/top-left/notes.txt");
        File.WriteAllText(notes, "not an image");
        var e = Assert.Throws<InvalidDataException>(() => Trainer.Create(TrainingSetup.Tiny(data.Root, runs.Root)));
        Assert.Contains($"{notes} is not an image", e.Message);
    }

    [Fact]
    public void EmptyClassFolderIsNamed()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        var empty = Directory.CreateDirectory(data.PathOf("val/unused")).FullName;
        Directory.CreateDirectory(data.PathOf("train/unused"));
        var e = Assert.Throws<InvalidDataException>(() => Trainer.Create(TrainingSetup.Tiny(data.Root, runs.Root)));
        Assert.Contains("class folder", e.Message);
        Assert.Contains("unused contains no images", e.Message);
    }

    [Fact]
    public void MissingDataPathIsNamed()
    {
        using var runs = new TempFolder();
        var missing = Path.Combine(runs.Root, "no-such-data");
        var e = Assert.Throws<DirectoryNotFoundException>(() => Trainer.Create(TrainingSetup.Tiny(missing, runs.Root)));
        Assert.Contains($"data '{missing}' does not exist", e.Message);
    }

    [Fact]
    public void FolderWithoutValSplitIsNamed()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        Directory.Delete(data.PathOf("val"), recursive: true);
        var e = Assert.Throws<DirectoryNotFoundException>(() => Trainer.Create(TrainingSetup.Tiny(data.Root, runs.Root)));
        Assert.Contains("must hold train/ and val/", e.Message);
    }

    [Fact]
    public void CorruptImageFailsNamingTheFile()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        var broken = data.PathOf("train/bottom/02.png");
        File.WriteAllBytes(broken, File.ReadAllBytes(broken)[..40]);
        using var trainer = Trainer.Create(TrainingSetup.Tiny(data.Root, runs.Root));
        var e = Assert.Throws<ImageDecodeException>(() => trainer.Train());
        Assert.Contains(broken, e.Message);
    }

    [Fact]
    public void UnknownModelAndNonResNetWidthAreNamed()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        var e = Assert.Throws<OptionsException>(() => Trainer.Create(TrainingSetup.Tiny(data.Root, runs.Root) with { Model = "resnet19" }));
        Assert.Equal("model", e.Key);
        Assert.Contains("unknown model 'resnet19'", e.Message);
        var w = Assert.Throws<ArgumentException>(() => Osprey.Models.ModelRegistry.Create("pspnet-r18", new Osprey.Models.ModelArgs().With("width", "8")));
        Assert.Contains("model 'pspnet-r18' has no option 'width'", w.Message);
    }
}
