using System.Text.Json.Nodes;
using Osprey.Models;
using Osprey.Tests.Data;
using Osprey.Torch.Serialization;
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

        // osprey predict on the ONNX file: the checkpoint's classes and probabilities.
        var fromCheckpoint = PredictJson(work.Root, best, "--source", data.Root);
        var fromFile = PredictJson(work.Root, onnx, "--source", data.Root);
        Assert.Equal(fromCheckpoint.Count, fromFile.Count);
        for (int i = 0; i < fromCheckpoint.Count; i++)
        {
            Assert.Equal((string?)fromCheckpoint[i]!["source"], (string?)fromFile[i]!["source"]);
            var (a, b) = (fromCheckpoint[i]!["top"]!.AsArray(), fromFile[i]!["top"]!.AsArray());
            Assert.Equal(a.Select(t => (int)t!["class"]!), b.Select(t => (int)t!["class"]!));
            for (int j = 0; j < a.Count; j++) Assert.True(Math.Abs((double)a[j]!["probability"]! - (double)b[j]!["probability"]!) <= 1e-5);
        }

        (code, _, err) = OspreyProcess.Run(work.Root, "export", "--weights", best, "--format", "torch", "--out", Path.Combine(work.Root, "w.pt"), "--device", "cpu");
        Assert.True(code == 0, $"export exited {code}: {err}");
        Assert.True(new FileInfo(Path.Combine(work.Root, "w.pt")).Length > 0);

        (code, _, err) = OspreyProcess.Run(work.Root, "export", "--weights", best, "--format", "tflite");
        Assert.Equal(2, code);
        Assert.Contains("--format tflite: expected onnx or torch", err);

        (code, _, err) = OspreyProcess.Run(work.Root, "predict", "--weights", onnx, "--source", data.Root, "--model", "resnet18");
        Assert.Equal(2, code);
        Assert.Contains("is an ONNX file, whose metadata names its task and classes (leave --model out)", err);
    }

    static JsonArray PredictJson(string root, string weights, params string[] more)
    {
        var (code, output, err) = OspreyProcess.Run(root, ["predict", "--weights", weights, "--json", "--top", "3", .. more]);
        Assert.True(code == 0, $"predict {weights} exited {code}: {err}");
        return JsonNode.Parse(output)!.AsArray();
    }

    /// <summary>A segmentation checkpoint exported with a dynamic size and predicted by ONNX Runtime: the class areas of
    /// the checkpoint's own prediction, and the mask PNG and overlay written.</summary>
    [Fact]
    public void PredictsWithAnExportedSegmentationFileAndSavesItsMasks()
    {
        using var work = new TempFolder();
        var options = TrainOptions.For("segment", "unet") with { Imgsz = 32, ModelOptions = new ModelOptionValues([new("width", "8")]) };
        var info = new RunInfo("segment", "unet", ["background", "a", "b"], 3, 32,
                               ModelRegistry.Get("unet").Resolve(new ModelArgs(3, 3, 32, options.ModelOptions)),
                               Osprey.Data.Transforms.Normalize.ImageNetMean, Osprey.Data.Transforms.Normalize.ImageNetStd, options);
        LibTorch.ManualSeed(7);
        var weights = work.PathOf("unet.ckpt");
        using (var model = info.BuildModel())
        using (var checkpoint = TrainingCheckpoint.Capture(model.StateDict(), options: info.ToJson()))
            checkpoint.Save(weights);
        var images = work.PathOf("images");
        Directory.CreateDirectory(images);
        using (var scope = TensorScope.Begin())
        {
            // Both larger than the training size: windows of 32x32, which the dynamic file takes unpadded, so the areas are the checkpoint's.
            Osprey.Data.Images.ImageCodec.Write(Path.Combine(images, "a.png"), Tensor.Randint(0, 256, [3, 32, 48]).To(DType.UInt8));
            Osprey.Data.Images.ImageCodec.Write(Path.Combine(images, "b.png"), Tensor.Randint(0, 256, [3, 80, 64]).To(DType.UInt8));
        }
        var (code, _, err) = OspreyProcess.Run(work.Root, "export", "--weights", weights, "--format", "onnx", "--dynamic");
        Assert.True(code == 0, $"export exited {code}: {err}");
        var onnx = Path.ChangeExtension(weights, ".onnx");

        var expected = PredictJson(work.Root, weights, "--source", images);
        var saved = work.PathOf("saved");
        var actual = PredictJson(work.Root, onnx, "--source", images, "--save-dir", saved);
        Assert.Equal(2, actual.Count);
        for (int i = 0; i < 2; i++)
        {
            var (e, a) = (expected[i]!["classes"]!.AsArray(), actual[i]!["classes"]!.AsArray());
            Assert.Equal(e.Select(c => (long)c!["pixels"]!).Sum(), a.Select(c => (long)c!["pixels"]!).Sum());
            for (int c = 0; c < 3; c++) Assert.InRange((long)a[c]!["pixels"]! - (long)e[c]!["pixels"]!, -2, 2);   // arg-max ties within float error
            var mask = (string)actual[i]!["mask"]!;
            Assert.StartsWith(saved, mask);
            using var scope = TensorScope.Begin();
            var read = Osprey.Data.Images.ImageCodec.Read(mask, Osprey.Data.Images.ImageReadMode.Unchanged);
            Assert.Equal((long)actual[i]!["height"]!, read.Size(1));
            Assert.True(File.Exists((string)actual[i]!["overlay"]!));
        }
    }
}
