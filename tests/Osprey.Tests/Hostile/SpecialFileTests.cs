using System.Diagnostics;
using Osprey.Tests.Data;

namespace Osprey.Tests.Hostile;

/// <summary>
/// Names that are not regular files: a symlink to /dev/zero or /dev/urandom (read without end: the process was
/// killed out of memory), a FIFO (open blocks for ever). Every reader refuses them at once, naming the file;
/// datasets refuse them when they are listed. Each is opened in a child process with the 60 s limit.
/// </summary>
public class SpecialFileTests
{
    static string Fifo(TempFolder folder, string relative)
    {
        var path = folder.PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var mkfifo = Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    static string LinkTo(TempFolder folder, string relative, string target)
    {
        var path = folder.PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
        return path;
    }

    [Theory]
    [InlineData("image", "x.png", "/dev/zero", "a character device")]
    [InlineData("image", "x.jpg", "/dev/urandom", "a character device")]
    [InlineData("torch", "x.pt", "/dev/zero", "a character device")]
    [InlineData("checkpoint", "x.ckpt", "/dev/urandom", "a character device")]
    public void LinkToADeviceIsRefused(string reader, string name, string target, string expect)
    {
        using var folder = new TempFolder();
        var r = HostileProbe.Run(reader, LinkTo(folder, name, target));
        HostileProbe.AssertRefused(r, expect, budgetMb: 64);
        Assert.Contains("not a regular file", r.Message);
    }

    [Theory]
    [InlineData("image", "x.png")]
    [InlineData("torch", "x.pt")]
    [InlineData("checkpoint", "x.ckpt")]
    public void FifoIsRefusedWithoutWaiting(string reader, string name)
    {
        using var folder = new TempFolder();
        var r = HostileProbe.Run(reader, Fifo(folder, name));
        HostileProbe.AssertRefused(r, "a FIFO (named pipe)", budgetMb: 64);
    }

    [Fact]
    public void ImageFolderRefusesAFifoWhenListed()
    {
        using var folder = new TempFolder();
        folder.CopyImage("rgb.png", "data/cat/a.png");
        var fifo = Fifo(folder, "data/dog/b.png");
        var r = HostileProbe.Run("folder", folder.PathOf("data"));
        Assert.True(r.Outcome == "refused", $"{r.Outcome}: {r.Message}");
        Assert.Contains(fifo, r.Message);
        Assert.Contains("a FIFO (named pipe)", r.Message);
    }

    [Fact]
    public void ImageFolderRefusesALinkToADeviceWhenListed()
    {
        using var folder = new TempFolder();
        folder.CopyImage("rgb.png", "data/cat/a.png");
        var link = LinkTo(folder, "data/cat/zero.png", "/dev/zero");
        var e = Assert.Throws<InvalidDataException>(() => new Osprey.Data.Datasets.ImageFolderDataset(folder.PathOf("data")));
        Assert.Contains(link, e.Message);
        Assert.Contains("a character device", e.Message);
    }
}

/// <summary>Detection datasets read label files, list files and YAML through the same regular-file check.</summary>
public class DetectionSpecialFileTests
{
    [Fact]
    public async Task LabelFileThatIsAFifoIsReportedNotWaitedOn()
    {
        using var folder = new TempFolder();
        var path = folder.PathOf("labels/a.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var mkfifo = Process.Start("mkfifo", [path])!) mkfifo.WaitForExit();
        var errors = new List<string>();
        var read = Task.Run(() => Osprey.Data.Datasets.Detection.YoloLabelFile.Parse(path, classCount: 3, errors));
        var result = await read.WaitAsync(TimeSpan.FromSeconds(60));  // TimeoutException if the read blocked
        Assert.Empty(result.Classes);
        var error = Assert.Single(errors);
        Assert.Contains(path, error);
        Assert.Contains("a FIFO (named pipe)", error);
    }

    [Fact]
    public void DatasetYamlThatLinksToADeviceIsRefused()
    {
        using var folder = new TempFolder();
        var path = folder.PathOf("data.yaml");
        File.CreateSymbolicLink(path, "/dev/zero");
        var e = Assert.ThrowsAny<IOException>(() => Osprey.Data.Datasets.Detection.DatasetYaml.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("a character device", e.Message);
    }
}
