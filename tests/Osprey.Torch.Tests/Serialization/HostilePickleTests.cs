using System.IO.Compression;
using System.Text.Json;
using Xunit.Abstractions;
using Osprey.Torch.Serialization;
using static Osprey.Torch.Tests.Serialization.CheckpointFiles;

namespace Osprey.Torch.Tests.Serialization;

/// <summary>
/// tests/fixtures/hostile (written by tools/reference/write_hostile_pickles.py): pickles and torch.save
/// files whose payload touches a marker file when Python loads them. Each must be refused with an
/// error naming the problem, and no marker may ever appear. A plain pickle (.pkl) is refused by TorchLoad on
/// its magic number before anything runs; its bytes are also loaded as the data.pkl of a torch.save-shaped
/// archive (built here), so the unpickler itself meets every payload.
/// </summary>
public class HostilePickleTests(ITestOutputHelper output)
{
    sealed record Case(string File, string Marker, string Expect, Dictionary<string, int>? Limits, bool? PythonCreatesMarker);

    static readonly Case[] Corpus = JsonSerializer.Deserialize<Case[]>(
        System.IO.File.ReadAllText(Hostile("manifest.json")),
        new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;

    public static TheoryData<string> Files => new(Corpus.Select(c => c.File));

    [Fact]
    public void CorpusHoldsAtLeastTwelveProvenPayloads()
    {
        Assert.True(Corpus.Length >= 12);
        // The writer loaded every file with Python's own pickle / torch.load: these really execute there.
        Assert.True(Corpus.Count(c => c.PythonCreatesMarker == true) >= 12,
            "fewer than 12 files were proven to run their payload under Python");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void RefusedWithoutRunningAnything(string file)
    {
        var c = Corpus.Single(x => x.File == file);
        System.IO.File.Delete(c.Marker);
        var limits = c.Limits is { } l && l.TryGetValue("max_memo_entries", out var memo)
            ? new PickleLimits { MaxMemoEntries = memo }
            : PickleLimits.Default;
        long before = Tensor.LiveCount;
        var path = Hostile(file);
        if (file.EndsWith(".pkl"))
        {
            var plain = Assert.Throws<TorchException>(() => TorchLoad.Load(path, limits));
            Assert.Contains("wrong magic number", plain.Message);
            Assert.Contains(file, plain.Message);
            path = AsArchive(path);
        }
        try
        {
            using var scope = TensorScope.Begin();
            var e = Assert.Throws<TorchException>(() => TorchLoad.Load(path, limits));
            output.WriteLine(e.Message);
            Assert.Contains(c.Expect, e.Message);
            Assert.Contains(Path.GetFileName(path), e.Message);
            var e2 = Assert.Throws<TorchException>(() => TorchLoad.LoadStateDict(path, limits: limits));
            Assert.Equal(e.Message, e2.Message);
        }
        finally
        {
            if (path != Hostile(file)) System.IO.File.Delete(path);
        }
        Assert.Equal(before, Tensor.LiveCount);  // storages made before the refusal were released
        Assert.False(System.IO.File.Exists(c.Marker), $"{file}: marker {c.Marker} exists");
    }

    /// <summary>The pickle as archive/data.pkl of a torch.save-shaped zip (stored, as torch.save writes it), in the temp folder.</summary>
    static string AsArchive(string pickle)
    {
        var path = Path.Combine(Path.GetTempPath(), $"osprey-hostile-{Environment.ProcessId}-{Path.GetFileNameWithoutExtension(pickle)}.pt");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            var entry = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression);
            using var stream = entry.Open();
            stream.Write(System.IO.File.ReadAllBytes(pickle));
        }
        return path;
    }
}
