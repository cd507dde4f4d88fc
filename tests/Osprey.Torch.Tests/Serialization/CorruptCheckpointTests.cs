using System.IO.Compression;
using Osprey.Torch.Serialization;
using static Osprey.Torch.Tests.Serialization.CheckpointFiles;

namespace Osprey.Torch.Tests.Serialization;

/// <summary>
/// Damaged files (seeded random byte changes, cuts and insertions) either load or fail with a
/// TorchException; never another exception type, a crash or a hang, and nothing leaks.
/// </summary>
public class CorruptCheckpointTests
{
    const int Mutations = 400;

    static byte[] Mutate(byte[] original, Random random, int start)
    {
        var bytes = original.ToList();
        switch (random.Next(3))
        {
            case 0:
                for (int k = random.Next(1, 4); k > 0; k--) bytes[random.Next(start, bytes.Count)] = (byte)random.Next(256);
                break;
            case 1:
                bytes = bytes.Take(random.Next(start, bytes.Count)).ToList();
                break;
            default:
                bytes.InsertRange(random.Next(start, bytes.Count), Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256)));
                break;
        }
        return [.. bytes];
    }

    static (int Loaded, int Refused) LoadAll(IEnumerable<byte[]> files)
    {
        int loaded = 0, refused = 0;
        var path = Path.Combine(Path.GetTempPath(), $"osprey-corrupt-{Guid.NewGuid():N}.pt");
        long before = Tensor.LiveCount;
        try
        {
            foreach (var bytes in files)
            {
                File.WriteAllBytes(path, bytes);
                using var scope = TensorScope.Begin();
                try
                {
                    TorchLoad.Load(path);
                    loaded++;
                }
                catch (TorchException e)
                {
                    Assert.Contains(path, e.Message);
                    refused++;
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Equal(before, Tensor.LiveCount);
        return (loaded, refused);
    }

    [Fact]
    public void DamagedLegacyFilesFailCleanly()
    {
        var original = File.ReadAllBytes(Fixture("legacy.pt"));
        var random = new Random(1234);
        var (loaded, refused) = LoadAll(Enumerable.Range(0, Mutations).Select(_ => Mutate(original, random, 0)));
        Assert.True(refused > Mutations / 2, $"only {refused} of {Mutations} damaged files were refused");
    }

    [Fact]
    public void DamagedPicklesInsideValidArchivesFailCleanly()
    {
        // Re-zip each damaged data.pkl so the archive itself stays valid and the unpickler sees the damage.
        var files = new List<byte[]>();
        var random = new Random(5678);
        foreach (var name in new[] { "values_p5.pt", "module.pt" })
        {
            using var source = ZipFile.OpenRead(Fixture(name));
            var records = source.Entries.ToDictionary(e => e.FullName, e =>
            {
                using var s = e.Open();
                using var m = new MemoryStream();
                s.CopyTo(m);
                return m.ToArray();
            });
            var pickleName = records.Keys.Single(k => k.EndsWith("/data.pkl"));
            for (int k = 0; k < Mutations / 2; k++)
            {
                using var output = new MemoryStream();
                using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
                    foreach (var (entryName, data) in records)
                    {
                        using var s = zip.CreateEntry(entryName, CompressionLevel.NoCompression).Open();
                        s.Write(entryName == pickleName ? Mutate(data, random, 2) : data);
                    }
                files.Add(output.ToArray());
            }
        }
        var (loaded, refused) = LoadAll(files);
        Assert.True(refused > Mutations / 2, $"only {refused} of {Mutations} damaged pickles were refused");
    }

    [Fact]
    public void DamagedZipArchivesFailCleanly()
    {
        var original = File.ReadAllBytes(Fixture("sd_fp16.pt"));
        var random = new Random(91011);
        var (_, refused) = LoadAll(Enumerable.Range(0, Mutations).Select(_ => Mutate(original, random, 4)));
        Assert.True(refused > 0);
    }
}
