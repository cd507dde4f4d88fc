using Osprey.Torch.Serialization;
using static Osprey.Torch.Tests.Serialization.CheckpointFiles;

namespace Osprey.Torch.Tests.Serialization;

public class TorchLoadTests
{
    [Theory]
    [InlineData("sd_fp32", "sd_fp32")]  // a plain OrderedDict state dict, float32 (+ int64 num_batches_tracked)
    [InlineData("sd_fp16", "sd_fp16")]  // the same in float16
    [InlineData("legacy", "sd_fp32")]   // the fp32 state dict in the pre-1.6 non-zip format
    [InlineData("views", "views")]      // entries sharing one storage: transposed, offset, strided, 0-d, empty
    [InlineData("dtypes", "dtypes")]    // fp32 fp16 bf16 fp64 int64 int32 int16 int8 uint8 bool
    public void StateDictMatchesPyTorchBitwise(string file, string expected)
    {
        using var scope = TensorScope.Begin();
        var loaded = TorchLoad.LoadStateDict(Fixture(file + ".pt"));
        AssertIdentical(Expected(Fixture(expected + ".safetensors")), loaded, file);
    }

    [Fact]
    public void PlainStateDictKeepsPyTorchKeyOrder()
    {
        using var scope = TensorScope.Begin();
        var root = Assert.IsType<PickleDict>(TorchLoad.Load(Fixture("sd_fp32.pt")));
        Assert.Equal(["conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                      "bn1.num_batches_tracked", "fc.weight", "fc.bias"], root.Keys.Cast<string>());
        // state_dict() pickles its _metadata attribute (module versions) through BUILD.
        var metadata = Assert.IsType<PickleDict>(root.Attributes!["_metadata"]);
        Assert.True(metadata.ContainsKey("bn1"));
        var tracked = (Tensor)root["bn1.num_batches_tracked"]!;
        Assert.Equal(DType.Int64, tracked.DType);
        Assert.Empty(tracked.Shape);
        Assert.Equal(1L, tracked.Item<long>());
    }

    [Fact]
    public void ViewsShareTheirStorageAsInPyTorch()
    {
        using var scope = TensorScope.Begin();
        var root = Assert.IsType<PickleDict>(TorchLoad.Load(Fixture("views.pt")));
        var t = (Tensor)root["t"]!;
        Assert.Equal(new long[] { 1, 5 }, t.Strides);          // still the transposed view, not a copy
        Assert.Equal(new long[] { 10, 3 }, ((Tensor)root["strided"]!).Strides);  // base[::2, ::3]
        ((Tensor)root["base"]!).FillInPlace(-1);
        Assert.Equal(-1f, t[4, 3].Item<float>());
        Assert.Equal(-1f, ((Tensor)root["narrow"]!)[1, 2].Item<float>());
    }

    [Fact]
    public void NestedTrainingCheckpointYieldsTheModelEntry()
    {
        using var scope = TensorScope.Begin();
        long before = Tensor.LiveCount;
        var loaded = TorchLoad.LoadStateDict(Fixture("nested.pt"));
        // The optimizer's exp_avg / exp_avg_sq / step tensors were released: only the state dict is alive.
        Assert.Equal(before + loaded.Count, Tensor.LiveCount);
        AssertIdentical(Expected(Fixture("nested.safetensors")), loaded, "nested");
        Assert.Equal(loaded.Keys, TorchLoad.LoadStateDict(Fixture("nested.pt"), key: "model").Keys);

        var root = Assert.IsType<PickleDict>(TorchLoad.Load(Fixture("nested.pt")));
        Assert.Equal(7L, root["epoch"]);
        var args = Assert.IsType<PickledObject>(root["args"]);
        Assert.Equal("argparse.Namespace", args.Type.FullName);
        Assert.Equal("resnet50", args.Attribute("backbone"));
        Assert.Equal(false, args.Attribute("dilation"));
        var groups = Assert.IsType<List<object?>>(((PickleDict)root["optimizer"]!)["param_groups"]);
        Assert.Equal(1e-4, ((PickleDict)groups[0]!)["lr"]);
    }

    [Fact]
    public void PickledModuleYieldsItsStateDictByAttributePath()
    {
        using var scope = TensorScope.Begin();
        var loaded = TorchLoad.LoadStateDict(Fixture("module.pt"));
        // Expected keys come from ema.state_dict() in PyTorch: no None parameter (gain), no None module (skip),
        // no non-persistent buffer (cache), no plain tensor attribute (stride); num_batches_tracked included.
        AssertIdentical(Expected(Fixture("module.safetensors")), loaded, "module");
        Assert.Contains("1.num_batches_tracked", loaded.Keys);
        Assert.Contains("2.scale", loaded.Keys);
        Assert.DoesNotContain("2.cache", loaded.Keys);
        Assert.All(loaded.Values, t => Assert.False(t.RequiresGrad));
    }

    [Fact]
    public void PickledModuleIsAnInertRecord()
    {
        using var scope = TensorScope.Begin();
        var root = Assert.IsType<PickleDict>(TorchLoad.Load(Fixture("module.pt")));
        Assert.Equal(3L, root["epoch"]);
        Assert.Equal(0.25, root["best_fitness"]);  // a numpy float64 scalar
        Assert.Null(root["model"]);
        var ema = Assert.IsType<PickledObject>(root["ema"]);
        Assert.Equal("torch.nn.modules.container.Sequential", ema.Type.FullName);
        var modules = Assert.IsType<PickleDict>(ema.Attribute("_modules"));
        var gate = Assert.IsType<PickledObject>(modules["2"]);
        Assert.Equal("__main__.Gate", gate.Type.FullName);
        var weight = (Tensor)((PickleDict)((PickledObject)((PickleDict)gate.Attribute("_modules")!)["conv"]!).Attribute("_parameters")!)["weight"]!;
        Assert.True(weight.RequiresGrad);  // a Parameter in the pickle
        Assert.Equal(DType.Float16, weight.DType);
        var names = Assert.IsType<PickleDict>(ema.Attribute("names"));
        Assert.Equal("dog", names[1L]);
        Assert.Equal(new long[] { 2 }, ((Tensor)ema.Attribute("stride")!).Shape);
    }

    [Fact]
    public void LoadedTensorsBelongToTheCallersScope()
    {
        long before = Tensor.LiveCount;
        using (var scope = TensorScope.Begin())
        {
            var loaded = TorchLoad.LoadStateDict(Fixture("sd_fp32.pt"));
            Assert.Equal(before + 9, Tensor.LiveCount);
        }
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void ErrorsNameTheFileAndWhatWasExpected()
    {
        using var scope = TensorScope.Begin();
        var missingKey = Assert.Throws<TorchException>(() => TorchLoad.LoadStateDict(Fixture("nested.pt"), key: "weights"));
        Assert.Contains("nested.pt", missingKey.Message);
        Assert.Contains("no entry 'weights'", missingKey.Message);
        Assert.Contains("'optimizer'", missingKey.Message);

        var notModel = Assert.Throws<TorchException>(() => TorchLoad.LoadStateDict(Fixture("nested.pt"), key: "epoch"));
        Assert.Contains("entry 'epoch' is 7, not a state dict", notModel.Message);

        var notTorch = Path.Combine(Path.GetTempPath(), $"osprey-not-torch-{Guid.NewGuid():N}.pt");
        File.WriteAllText(notTorch, "hello");
        try
        {
            var e = Assert.Throws<TorchException>(() => TorchLoad.Load(notTorch));
            Assert.Contains(notTorch, e.Message);
            Assert.Contains("not a PyTorch checkpoint", e.Message);
        }
        finally
        {
            File.Delete(notTorch);
        }
    }

    [Fact]
    public void QuantizedTensorsAreRefusedByName()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<TorchException>(() => TorchLoad.Load(Fixture("quantized.pt")));
        Assert.Contains("quantized.pt", e.Message);
        Assert.Contains("torch._utils._rebuild_qtensor: quantized tensors are not supported", e.Message);
    }

    [Fact]
    public void SavedFilesUseStoredRecordsUnderOneFolder()
    {
        using var scope = TensorScope.Begin();
        var path = Path.Combine(Path.GetTempPath(), $"osprey-layout-{Guid.NewGuid():N}.pt");
        try
        {
            TorchSave.SaveStateDict(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Ones([2, 2]) });
            using var zip = System.IO.Compression.ZipFile.OpenRead(path);
            Assert.Equal(["archive/data.pkl", "archive/data/0", "archive/version"], zip.Entries.Select(e => e.FullName));
            Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));  // stored, not deflated
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("sd_fp32")]
    [InlineData("sd_fp16")]
    [InlineData("dtypes")]
    public void SafetensorsStateDictEqualsTheTorchSaveOfIt(string file)
    {
        // The .safetensors was written from the same state dict by the reference script (the format's documented layout).
        using var scope = TensorScope.Begin();
        var fromSafetensors = TorchLoad.LoadStateDict(Fixture(file + ".safetensors"));
        AssertIdentical(TorchLoad.LoadStateDict(Fixture(file + ".pt")), fromSafetensors, file);
        var root = Assert.IsType<PickleDict>(TorchLoad.Load(Fixture(file + ".safetensors")));
        Assert.Equal(fromSafetensors.Keys.Order(StringComparer.Ordinal), root.Keys.Cast<string>());
    }

    [Fact]
    public void OspreyCheckpointLoadsAsItsPartsAndItsEmaIsTheStateDict()
    {
        var path = Path.Combine(Path.GetTempPath(), $"osprey-torchload-{Guid.NewGuid():N}.ckpt");
        try
        {
            using var scope = TensorScope.Begin();
            var weights = new Dictionary<string, Tensor> { ["fc.weight"] = Tensor.Arange(6).Reshape(2, 3).To(DType.Float32), ["fc.bias"] = Tensor.Zeros([2]) };
            var model = new Dictionary<string, Tensor>(weights) { ["ema.fc.weight"] = weights["fc.weight"] * 2, ["ema.fc.bias"] = weights["fc.bias"] + 1 };
            using (var checkpoint = TrainingCheckpoint.Capture(model, epoch: 3, iteration: 30)) checkpoint.Save(path);
            var root = Assert.IsType<PickleDict>(TorchLoad.Load(path));
            Assert.Equal(["ema", "metadata", "model", "rng.cpu"], root.Keys.Cast<string>().Order(StringComparer.Ordinal));
            AssertIdentical(weights, ((PickleDict)root["model"]!).ToDictionary(p => (string)p.Key, p => (Tensor)p.Value!), "model part");
            var metadata = Assert.IsType<PickleDict>(root["metadata"]);
            Assert.Equal(TrainingCheckpointFormat.FormatName, metadata["format"]);
            Assert.Equal("3", metadata["epoch"]);
            var stateDict = TorchLoad.LoadStateDict(path);   // the EMA weights, as ultralytics' checkpoints are read
            AssertIdentical(new Dictionary<string, Tensor> { ["fc.weight"] = model["ema.fc.weight"], ["fc.bias"] = model["ema.fc.bias"] }, stateDict, "ema");
            AssertIdentical(weights, TorchLoad.LoadStateDict(path, key: "model"), "model by key");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
