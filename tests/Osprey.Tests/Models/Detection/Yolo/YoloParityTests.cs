using Osprey.Models.Detection;
using Osprey.Models.Detection.Yolo;
using Osprey.Torch.NN;
using Osprey.Torch.Serialization;
using Osprey.Torch.Tests;

namespace Osprey.Tests.Models.Detection.Yolo;

/// <summary>
/// Same weights, same input (2x3x256x256), same outputs as the PyTorch reference (tools/reference/yolo_reference.py,
/// run at test time): the state dict loads strictly (ultralytics' key names, nothing missing or unexpected), the
/// eval-mode decoded output (boxes xywh in pixels then class scores) and the train-mode raw maps agree within 1e-4
/// (relative, absolute floor 1e-4), and conv+BN fusion changes the eval output by at most 1e-4.
/// </summary>
public class YoloParityTests
{
    internal const string YoloConfigs = "src/Osprey/Models/Detection/Yolo/Configs";

    const double Tolerance = 1e-4;

    [Theory]
    [InlineData("yolo11n", "yolo11.yaml")]
    [InlineData("yolo11n-multiseam", "yolo11-multiseam.yaml")]
    public void OutputsMatchPyTorchAndFusionKeepsThem(string name, string file)
    {
        using var scope = TensorScope.Begin();
        var (tensors, _) = SafeTensors.Load(Path.Combine(ReferenceOutputs.Folder("yolo_reference.py", YoloConfigs), name + ".safetensors"));
        var state = tensors.Where(p => p.Key.StartsWith("state.")).ToDictionary(p => p.Key["state.".Length..], p => p.Value);
        using var model = YoloModel.FromResource(file, name, "n");
        var report = model.LoadStateDict(state, strict: true);
        Assert.True(report.IsClean, report.ToString());
        Assert.Equal(state.Keys.Order(StringComparer.Ordinal), model.StateDictKeys().Order(StringComparer.Ordinal));
        var input = tensors["input"];

        using (Autograd.NoGrad())
        {
            model.Train();
            using var train = model.Call(input);
            Assert.Null(train.Boxes);
            Assert.Equal(3, train.RawMaps.Count);
            for (var i = 0; i < 3; i++) Expect.Close(tensors[$"train{i}"], train.RawMaps[i], Tolerance, Tolerance, $"{name} train level {i}");

            model.LoadStateDict(state, strict: true); // the train forward moved the running statistics
            model.Eval();
            using var eval = model.Call(input);
            for (var i = 0; i < 3; i++) Expect.Close(tensors[$"eval_raw{i}"], eval.RawMaps[i], Tolerance, Tolerance, $"{name} eval level {i}");
            var decoded = Tensor.Cat([eval.Boxes!, eval.Scores!], 1);
            Expect.Close(tensors["eval"], decoded, Tolerance, Tolerance, $"{name} eval");
            Assert.Equal([2L, 4, 1344], eval.Boxes!.Shape);
            Assert.Equal([2L, 80, 1344], eval.Scores!.Shape);

            model.Fuse();
            Assert.DoesNotContain(model.StateDictKeys(), k => k.EndsWith(".bn.weight") && !k.Contains("DCovN"));
            using var fused = model.Call(input);
            Expect.Close(decoded, Tensor.Cat([fused.Boxes!, fused.Scores!], 1), Tolerance, Tolerance, $"{name} fused");
        }
    }
}

/// <summary>
/// An ultralytics-style checkpoint ({"ema": pickled fp16 DetectionModel, "model": None, ...}, written by torch.save)
/// goes through the restricted unpickler and loads strictly: no missing or unexpected keys, every value the
/// reference weight rounded to fp16.
/// </summary>
public class YoloCheckpointImportTests
{
    const string YoloConfigs = YoloParityTests.YoloConfigs;

    [Theory]
    [InlineData("yolo11n", "yolo11.yaml")]
    [InlineData("yolo11n-multiseam", "yolo11-multiseam.yaml")]
    public void PickledHalfPrecisionModelLoads(string name, string file)
    {
        using var scope = TensorScope.Begin();
        var folder = ReferenceOutputs.Folder("yolo_reference.py", YoloConfigs);
        var state = TorchLoad.LoadStateDict(Path.Combine(folder, name + ".pt"));
        var (reference, _) = SafeTensors.Load(Path.Combine(folder, name + ".safetensors"));
        using var model = YoloModel.FromResource(file, name, "n");
        var report = model.LoadStateDict(state, strict: true);
        Assert.True(report.IsClean, report.ToString());
        foreach (var (key, value) in model.StateDict())
        {
            var expected = reference["state." + key];
            var halved = expected.DType.IsFloatingPoint() ? expected.To(DType.Float16).To(expected.DType) : expected;
            Assert.True(halved.Equal(value), $"{key} differs from the fp16-rounded reference");
        }
    }
}
