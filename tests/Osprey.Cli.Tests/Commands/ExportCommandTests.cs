using Osprey.Tests.Data;
using Osprey.Torch;
using Osprey.Tests.Export;
using Osprey.Tests.Training;
using Osprey.Inference.Onnx;
using Osprey.Training;
using Osprey.Training.Classification;

namespace Osprey.Cli.Tests.Commands;

public class ExportCommandTests
{
    [Fact]
    public void ExportsATrainedCheckpointToOnnxAndTorch()
    {
        using var data = new TinyImageFolder();
        using var work = new TempFolder();
        var (code, _, err) = OspreyProcess.Run(work.Root, "train", "--model", "resnet18", "--width", "4", "--data", data.Root, "--imgsz", "16",
            "--epochs", "1", "--batch", "6", "--workers", "0", "--seed", "3", "--device", "cpu");
        Assert.True(code == 0, $"train exited {code}: {err}");
        var best = Path.Combine(work.Root, "runs", "classify", "train", "best.ckpt");

        (code, var output, err) = OspreyProcess.Run(work.Root, "export", "--weights", best, "--format", "onnx", "--dynamic");
        Assert.True(code == 0, $"export exited {code}: {err}");
        var onnx = Path.ChangeExtension(best, ".onnx");
        Assert.Contains($"to {onnx}", output);

        using var trained = TrainedModel.Load(best);
        using var scope = TensorScope.Begin();
        var input = Tensor.Rand([2, trained.Info.InChannels, 16, 16]);
        var expected = OnnxRun.Native(trained.Model, input)["logits"];
        var actual = OnnxRun.Run(File.ReadAllBytes(onnx), input)["logits"];
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.True(OnnxRun.MaxAbsDifference(expected.Values, actual.Values) <= 1e-4);

        // The ONNX classifier: same preprocessing, same typed predictions as the native one.
        var files = Osprey.Data.Images.ImageFiles.Find(data.Root);
        var native = new Classifier(trained).Predict(files, topK: 3).ToList();
        using var onnxClassifier = new OnnxClassifier(onnx);
        Assert.Equal(trained.Classes, onnxClassifier.Classes);
        var fromOnnx = onnxClassifier.Predict(files, topK: 3).ToList();
        Assert.Equal(native.Count, fromOnnx.Count);
        for (int i = 0; i < native.Count; i++)
        {
            Assert.Equal(native[i].Source, fromOnnx[i].Source);
            Assert.Equal(native[i].Top.Select(t => t.Class), fromOnnx[i].Top.Select(t => t.Class));
            Assert.Equal(native[i].Top.Select(t => t.Name), fromOnnx[i].Top.Select(t => t.Name));
            for (int j = 0; j < native[i].Top.Count; j++) Assert.True(Math.Abs(native[i].Top[j].Probability - fromOnnx[i].Top[j].Probability) <= 1e-5);
        }

        (code, _, err) = OspreyProcess.Run(work.Root, "export", "--weights", best, "--format", "torch", "--out", Path.Combine(work.Root, "w.pt"), "--device", "cpu");
        Assert.True(code == 0, $"export exited {code}: {err}");
        Assert.True(new FileInfo(Path.Combine(work.Root, "w.pt")).Length > 0);

        (code, _, err) = OspreyProcess.Run(work.Root, "export", "--weights", best, "--format", "tflite");
        Assert.Equal(2, code);
        Assert.Contains("--format tflite: expected onnx or torch", err);
    }
}
