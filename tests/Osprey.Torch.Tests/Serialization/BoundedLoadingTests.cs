using System.IO.Compression;
using Osprey.Torch.Serialization;
using static Osprey.Torch.Tests.Serialization.CheckpointFiles;

namespace Osprey.Torch.Tests.Serialization;

/// <summary>
/// In-process checks of the defences against hostile files (the files themselves are tested in child processes by
/// Osprey.Tests' HostileFileTests): key hashing that flooding cannot defeat, and zip members read within budget.
/// </summary>
public class BoundedLoadingTests
{
    [Fact]
    public void IntegerKeysThatCollideInDotNetsHashHashApart()
    {
        var keys = Enumerable.Range(1, 10_000).Select(k => (object)(k * ((1L << 32) + 1))).ToArray();
        Assert.Single(keys.Select(k => k.GetHashCode()).Distinct());  // the attack: long.GetHashCode folds both halves to 0
        Assert.True(keys.Select(PickleKeyComparer.Instance.GetHashCode).Distinct().Count() >= 9_990);
    }

    [Fact]
    public void DoubleKeysThatCollideInDotNetsHashHashApart()
    {
        var keys = Enumerable.Range(0, 10_000)
            .Select(x => (object)BitConverter.Int64BitsToDouble(((long)(0x3FF00000 + x) << 32) | (uint)(0x3FF00000 + x))).ToArray();
        Assert.Single(keys.Select(k => k.GetHashCode()).Distinct());
        Assert.True(keys.Select(PickleKeyComparer.Instance.GetHashCode).Distinct().Count() >= 9_990);
        Assert.Equal(PickleKeyComparer.Instance.GetHashCode(0.0), PickleKeyComparer.Instance.GetHashCode(-0.0));  // equal keys, equal hashes
    }

    [Fact]
    public void TupleSharingSubTuplesHashesOncePerTuple()
    {
        // 2^60 leaves: hashing element by element would never finish; each tuple's hash is computed once and cached.
        object?[] Dag(string leaf)
        {
            object?[] t = [leaf];
            for (int i = 0; i < 60; i++) t = [t, t];
            return t;
        }
        var a = Dag("x");
        var b = Dag("x");
        Assert.Equal(PickleKeyComparer.Instance.GetHashCode(a), PickleKeyComparer.Instance.GetHashCode(b));
        Assert.NotEqual(PickleKeyComparer.Instance.GetHashCode(a), PickleKeyComparer.Instance.GetHashCode(Dag("y")));
        Assert.True(PickleKeyComparer.Instance.Equals(a, a));  // identity first
    }

    /// <summary>sd_fp32.pt re-zipped with deflate (torch.save stores members uncompressed).</summary>
    static string Deflated(string fixture)
    {
        var path = Path.Combine(Path.GetTempPath(), $"osprey-deflated-{Environment.ProcessId}-{fixture}");
        using var source = ZipFile.OpenRead(Fixture(fixture));
        using var target = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var entry in source.Entries)
        {
            using var input = entry.Open();
            using var output = target.CreateEntry(entry.FullName, CompressionLevel.Optimal).Open();
            input.CopyTo(output);
        }
        return path;
    }

    [Fact]
    public void DeflatedArchiveLoadsIdenticallyWithinTheInflationBudget()
    {
        var path = Deflated("sd_fp32.pt");
        using var scope = TensorScope.Begin();
        AssertIdentical(TorchLoad.LoadStateDict(Fixture("sd_fp32.pt")), TorchLoad.LoadStateDict(path), "deflated copy");
        var e = Assert.Throws<TorchException>(() => TorchLoad.LoadStateDict(path, limits: new PickleLimits { MaxInflatedBytes = 16 }));
        Assert.Contains("PickleLimits.MaxInflatedBytes", e.Message);
        Assert.Contains(path, e.Message);
        File.Delete(path);
    }

    [Fact]
    public void OversizedFileIsRefusedBeforeReading()
    {
        var e = Assert.Throws<TorchException>(() => TorchLoad.Load(Fixture("sd_fp32.pt"), new PickleLimits { MaxFileBytes = 100 }));
        Assert.Contains("over the 100-byte limit", e.Message);
        Assert.Contains("sd_fp32.pt", e.Message);
    }
}
