using System.Security.Cryptography;
using Osprey.Torch.Serialization;
using static Osprey.Torch.Tests.Serialization.CheckpointFiles;

namespace Osprey.Torch.Tests.Serialization;

public class TorchSaveTests
{
    /// <summary>What describe_checkpoint.py prints for a state dict, computed on our side.</summary>
    static string Describe(IEnumerable<KeyValuePair<string, Tensor>> stateDict) =>
        "collections.OrderedDict\n" + string.Concat(stateDict.Select(p =>
            $"{p.Key}\t{p.Value.DType.Name()}\t{string.Join(",", p.Value.Shape)}\t{Convert.ToHexStringLower(SHA256.HashData(p.Value.ToBytes()))}\n"));

    [Fact]
    public void PyTorchLoadsWhatWeSaveAsIdenticalTensors()
    {
        using var scope = TensorScope.Begin();
        // Every dtype, a 0-d tensor, an empty tensor, and views (saved as contiguous copies), in a chosen order.
        var stateDict = new Dictionary<string, Tensor>();
        foreach (var file in new[] { "dtypes", "views", "sd_fp16" })
            foreach (var (key, tensor) in (PickleDict)TorchLoad.Load(Fixture(file + ".pt"))!)
                stateDict[$"{file}.{key}"] = (Tensor)tensor!;
        stateDict["big.long"] = Tensor.From(new[] { long.MaxValue, long.MinValue, 1L << 40 });
        var path = Path.Combine(Path.GetTempPath(), $"osprey-save-{Guid.NewGuid():N}.pt");
        try
        {
            TorchSave.SaveStateDict(path, stateDict);
            var described = RunPython(ReferenceScript("describe_checkpoint.py"), path);
            Assert.Equal(Describe(stateDict), described);
            // And we read our own file back bitwise.
            AssertIdentical(stateDict, TorchLoad.LoadStateDict(path), "reloaded");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EmptyStateDictRoundTrips()
    {
        var path = Path.Combine(Path.GetTempPath(), $"osprey-save-{Guid.NewGuid():N}.pt");
        try
        {
            TorchSave.SaveStateDict(path, new Dictionary<string, Tensor>());
            Assert.Equal("collections.OrderedDict\n", RunPython(ReferenceScript("describe_checkpoint.py"), path));
            Assert.Empty(Assert.IsType<PickleDict>(TorchLoad.Load(path)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
